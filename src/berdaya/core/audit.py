"""Audit helpers shared by services: django-simple-history records the actor and a namespaced action code."""


def audit(instance, actor, action: str) -> None:
    """Mark the next save of `instance` with who did it and why (`registry.household.updated`)."""
    instance._history_user = actor if getattr(actor, "pk", None) else None
    instance._change_reason = action


def audited_save(instance, actor, action: str, **kwargs) -> None:
    audit(instance, actor, action)
    instance.save(**kwargs)
