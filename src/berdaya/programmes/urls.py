from django.urls import path

from berdaya.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/components/", views.programme_components, name="components"),
    path("components/<int:pk>/delete/", views.component_delete, name="component_delete"),
    path("<int:pk>/kits/", views.programme_kits, name="kits"),
    path("kits/<int:pk>/delete/", views.kit_delete, name="kit_delete"),
    path("kits/<int:pk>/items/", views.kit_item_add, name="kit_item_add"),
    path("kit-items/<int:pk>/delete/", views.kit_item_remove, name="kit_item_remove"),
    path("budget/", views.budget_current, name="budget_current"),
    path("budget/<int:year>/", views.budget, name="budget"),
    path("budget/<int:year>/status/", views.fiscal_year_toggle, name="fiscal_year_toggle"),
]
