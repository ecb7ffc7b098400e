from django.urls import path

from berdaya.regions import views

app_name = "regions"
urlpatterns = [
    path("picker/", views.picker, name="picker"),
]
