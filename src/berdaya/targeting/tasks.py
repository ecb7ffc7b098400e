"""The scoring run's background job (django-tasks; the database backend's worker is `berdaya manage db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_scoring_job(run_id: int) -> dict:
    from berdaya.targeting.services import scoring_execute

    run = scoring_execute(run_id=run_id)
    if run is None:
        return {"run": run_id, "skipped": True}
    return {"run": run_id, "households": run.households, "seconds": run.seconds}
