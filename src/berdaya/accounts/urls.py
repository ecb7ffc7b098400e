from django.contrib.auth import views as auth_views
from django.urls import path

from berdaya.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("me/", views.profile, name="profile"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/assignments/", views.assignment_add, name="assignment_add"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
]
