from django.urls import path

from berdaya.targeting import views

app_name = "targeting"

urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/rule/", views.rule_editor, name="rule_editor"),
    path("programmes/<int:pk>/rule/<int:version>/restore/", views.rule_restore, name="rule_restore"),
    path("programmes/<int:pk>/candidates/", views.candidates, name="candidates"),
    path("rule/validate/", views.rule_validate, name="rule_validate"),
    path("scores/", views.scores, name="scores"),
    path("scores/run/", views.scoring_start, name="scoring_start"),
    path("scores/runs/<int:pk>/", views.scoring_run_status, name="scoring_run_status"),
    path("scores/distribution/", views.distribution, name="distribution"),
]
