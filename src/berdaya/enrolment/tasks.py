"""The SK PDF of a large approved list, rendered after the approval has committed (django-tasks; the database
backend's worker is `berdaya manage db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def render_decree_job(list_id: int) -> dict:
    from berdaya.enrolment.models import EnrolmentList
    from berdaya.enrolment.services import decree_render

    lst = EnrolmentList.objects.get(pk=list_id)
    if lst.decree_id:
        return {"list": list_id, "skipped": True}
    document = decree_render(enrolment_list=lst)
    return {"list": list_id, "document": document.pk}
