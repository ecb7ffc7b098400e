from django.urls import path

from berdaya.proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="index"),
    path("new/", views.proposal_create, name="create"),
    path("new/households/", views.household_search, name="household_search"),
    path("new/row/", views.item_row, name="item_row"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/return/", views.proposal_return, name="return"),
    path("<int:pk>/pass/", views.proposal_pass, name="pass"),
    path("<int:pk>/resubmit/", views.proposal_resubmit, name="resubmit"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/reject/", views.item_reject, name="item_reject"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
]
