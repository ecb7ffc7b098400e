from django.urls import path

from berdaya.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("history/", views.batch_list, name="batch_list"),
    path("template.xlsx", views.template_download, {"kind": "xlsx"}, name="template_xlsx"),
    path("template.csv", views.template_download, {"kind": "csv"}, name="template_csv"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/commit/", views.batch_commit, name="batch_commit"),
    path("<int:pk>/report/", views.batch_report, name="batch_report"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
