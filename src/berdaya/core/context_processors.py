from berdaya.core.permissions import Perm, has_perm


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_can_manage_users": has_perm(user, Perm.ACCOUNTS_MANAGE),
            "nav_can_import": has_perm(user, Perm.REGISTRY_EDIT),
            "nav_can_programmes": has_perm(user, Perm.PROGRAMMES_VIEW),
            "nav_can_target": has_perm(user, Perm.TARGETING_VIEW),
            "nav_can_proposals": has_perm(user, Perm.PROPOSALS_VIEW),
            "nav_can_verval": has_perm(user, Perm.VERVAL_VIEW),
            "nav_can_enrolment": has_perm(user, Perm.ENROLMENT_VIEW)}
