from django.urls import path

from . import views

app_name = "declarations"
urlpatterns = [
    path("", views.my_declarations, name="mine"),
    path("start/<int:round_id>/", views.start, name="start"),
    path("<int:pk>/", views.dossier, name="dossier"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/take-back/", views.take_back, name="take_back"),
    path("<int:pk>/print/", views.print_preview, name="print"),
    path("employer/", views.manage, name="manage"),
    path("employer/fill/", views.fill_for, name="fill"),
    path("employer/<int:pk>/delete/", views.delete, name="delete"),
]
