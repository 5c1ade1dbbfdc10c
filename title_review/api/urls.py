from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from title_review.organisations.api import OrganisationDetailApi, OrganisationListApi

from . import views


class SchemaView(SpectacularAPIView):
    access_rule = "authenticated"


class DocsView(SpectacularSwaggerSplitView):
    access_rule = "authenticated"


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("tokens/", views.token_list, name="api-tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
    path("v1/organisations/", OrganisationListApi.as_view(), name="api-organisations"),
    path("v1/organisations/<int:pk>/", OrganisationDetailApi.as_view(), name="api-organisation-detail"),
]
