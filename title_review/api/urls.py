from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from title_review.access.decorators import public
from title_review.accounts.api import PasswordResetApi, RegisterApi
from title_review.achievements.api import RecordListApi
from title_review.committees import api as committees
from title_review.declarations.api import DeclarationDetailApi, DeclarationListApi, DeclarationSubmitApi
from title_review.organisations.api import OrganisationDetailApi, OrganisationListApi
from title_review.organisations.basic_info_api import (
    EmployerInfoApi,
    EmployerRenameApi,
    NameChangeApproveApi,
    NameChangeListApi,
    NameChangeRefuseApi,
    NameChangeWithdrawApi,
)
from title_review.organisations.employer_api import EmployerRegisterApi, SubAccountActionApi, SubAccountListApi
from title_review.organisations.people_api import (
    ChildAdminApi,
    EmployerResetApi,
    FilingApi,
    FilingListApi,
    PeopleListApi,
    PersonApi,
    RecreateAdminApi,
)
from title_review.printing.api import MeetingRecordApi, SignMeetingRecordApi
from title_review.reviews.api import (
    ReviewAcceptApi,
    ReviewBatchPassApi,
    ReviewCheckItemsApi,
    ReviewDeclarationApi,
    ReviewEmployerPassApi,
    ReviewEmployerReturnApi,
    ReviewForwardApi,
    ReviewInboxApi,
    ReviewObjectionHandleApi,
    ReviewObjectionListApi,
    ReviewOpinionApi,
    ReviewPassApi,
    ReviewPublicityApi,
    ReviewRejectApi,
    ReviewReturnApi,
)
from title_review.rounds.api import RoundDetailApi, RoundListApi

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
    path("v1/accounts/register/", public(RegisterApi.as_view()), name="api-register"),
    path("v1/accounts/password-reset/", public(PasswordResetApi.as_view()), name="api-password-reset"),
    path("v1/employers/register/", public(EmployerRegisterApi.as_view()), name="api-employer-register"),
    path("v1/employer/info/", EmployerInfoApi.as_view(), name="api-employer-info"),
    path("v1/employer/rename/", EmployerRenameApi.as_view(), name="api-employer-rename"),
    path("v1/name-changes/", NameChangeListApi.as_view(), name="api-name-changes"),
    path("v1/name-changes/<int:pk>/approve/", NameChangeApproveApi.as_view(), name="api-name-change-approve"),
    path("v1/name-changes/<int:pk>/refuse/", NameChangeRefuseApi.as_view(), name="api-name-change-refuse"),
    path("v1/name-changes/<int:pk>/withdraw/", NameChangeWithdrawApi.as_view(), name="api-name-change-withdraw"),
    path("v1/employer/sub-accounts/", SubAccountListApi.as_view(), name="api-sub-accounts"),
    path("v1/employer/sub-accounts/<int:pk>/", SubAccountActionApi.as_view(), name="api-sub-account"),
    path("v1/employer/filing-accounts/", FilingListApi.as_view(), name="api-filing-accounts"),
    path("v1/employer/filing-accounts/<int:pk>/", FilingApi.as_view(), name="api-filing-account"),
    path("v1/people/", PeopleListApi.as_view(), name="api-people"),
    path("v1/people/<int:pk>/", PersonApi.as_view(), name="api-person"),
    path("v1/people/<int:pk>/child-admin/", ChildAdminApi.as_view(), name="api-child-admin"),
    path("v1/people/<int:pk>/reset-employer/", EmployerResetApi.as_view(), name="api-reset-employer"),
    path("v1/organisations/<int:pk>/admin/", RecreateAdminApi.as_view(), name="api-recreate-admin"),
    path("v1/rounds/", RoundListApi.as_view(), name="api-rounds"),
    path("v1/rounds/<int:pk>/", RoundDetailApi.as_view(), name="api-round"),
    path("v1/achievements/<slug:section>/", RecordListApi.as_view(), name="api-achievements"),
    path("v1/declarations/", DeclarationListApi.as_view(), name="api-declarations"),
    path("v1/declarations/<int:pk>/", DeclarationDetailApi.as_view(), name="api-declaration"),
    path("v1/declarations/<int:pk>/submit/", DeclarationSubmitApi.as_view(), name="api-declaration-submit"),
    path("v1/reviews/inbox/", ReviewInboxApi.as_view(), name="api-review-inbox"),
    path("v1/reviews/batch-pass/", ReviewBatchPassApi.as_view(), name="api-review-batch-pass"),
    path("v1/reviews/declarations/<int:pk>/", ReviewDeclarationApi.as_view(), name="api-review-declaration"),
    path(
        "v1/reviews/declarations/<int:pk>/employer-pass/",
        ReviewEmployerPassApi.as_view(),
        name="api-review-employer-pass",
    ),
    path(
        "v1/reviews/declarations/<int:pk>/employer-return/",
        ReviewEmployerReturnApi.as_view(),
        name="api-review-employer-return",
    ),
    path("v1/reviews/declarations/<int:pk>/opinion/", ReviewOpinionApi.as_view(), name="api-review-opinion"),
    path("v1/reviews/declarations/<int:pk>/pass/", ReviewPassApi.as_view(), name="api-review-pass"),
    path("v1/reviews/declarations/<int:pk>/return/", ReviewReturnApi.as_view(), name="api-review-return"),
    path("v1/reviews/declarations/<int:pk>/check-items/", ReviewCheckItemsApi.as_view(), name="api-review-check-items"),
    path("v1/reviews/declarations/<int:pk>/accept/", ReviewAcceptApi.as_view(), name="api-review-accept"),
    path("v1/reviews/declarations/<int:pk>/reject/", ReviewRejectApi.as_view(), name="api-review-reject"),
    path("v1/reviews/employer/publicity/", ReviewPublicityApi.as_view(), name="api-review-publicity"),
    path("v1/reviews/employer/objections/", ReviewObjectionListApi.as_view(), name="api-review-objections"),
    path(
        "v1/reviews/employer/objections/<int:pk>/handle/",
        ReviewObjectionHandleApi.as_view(),
        name="api-review-objection-handle",
    ),
    path("v1/reviews/employer/forward/", ReviewForwardApi.as_view(), name="api-review-forward"),
    path("v1/organisations/", OrganisationListApi.as_view(), name="api-organisations"),
    path("v1/organisations/<int:pk>/", OrganisationDetailApi.as_view(), name="api-organisation-detail"),
    # 评委会评审 (issue 13): the expert pool, the draw, the meeting and its secret ballots, panels, 代表作.
    path("v1/committees/experts/", committees.ExpertListApi.as_view(), name="api-committees-experts"),
    path("v1/committees/experts/propose/", committees.ExpertProposeApi.as_view(), name="api-committees-expert-propose"),
    path(
        "v1/committees/experts/<int:pk>/approve/",
        committees.ExpertApproveApi.as_view(),
        name="api-committees-expert-approve",
    ),
    path(
        "v1/committees/experts/<int:pk>/remove/",
        committees.ExpertRemoveApi.as_view(),
        name="api-committees-expert-remove",
    ),
    path("v1/committees/draws/", committees.DrawApi.as_view(), name="api-committees-draw"),
    path("v1/committees/relations/", committees.RelationApi.as_view(), name="api-committees-relations"),
    path("v1/committees/meetings/", committees.MeetingListApi.as_view(), name="api-committees-meetings"),
    path("v1/committees/meetings/<int:pk>/", committees.MeetingApi.as_view(), name="api-committees-meeting"),
    path("v1/committees/meetings/<int:pk>/recuse/", committees.RecuseApi.as_view(), name="api-committees-recuse"),
    path(
        "v1/committees/meetings/<int:pk>/start/",
        committees.StartMeetingApi.as_view(),
        name="api-committees-meeting-start",
    ),
    path(
        "v1/committees/meetings/<int:pk>/ballots/",
        committees.OpenBallotApi.as_view(),
        name="api-committees-ballot-open",
    ),
    path(
        "v1/committees/meetings/<int:pk>/close/",
        committees.CloseMeetingApi.as_view(),
        name="api-committees-meeting-close",
    ),
    path(
        "v1/committees/meetings/<int:pk>/record/",
        MeetingRecordApi.as_view(),
        name="api-committees-meeting-record",
    ),
    path(
        "v1/committees/meetings/<int:pk>/record/sign/",
        SignMeetingRecordApi.as_view(),
        name="api-committees-meeting-record-sign",
    ),
    path(
        "v1/committees/meetings/<int:pk>/panels/", committees.FormPanelApi.as_view(), name="api-committees-panel-form"
    ),
    path(
        "v1/committees/meetings/<int:pk>/blind-works/",
        committees.SendBlindApi.as_view(),
        name="api-committees-blind-send",
    ),
    path(
        "v1/committees/meetings/<int:pk>/blind-reviews/replace/",
        committees.ReplaceReviewerApi.as_view(),
        name="api-committees-blind-replace",
    ),
    path(
        "v1/committees/ballots/<int:pk>/close/", committees.CloseBallotApi.as_view(), name="api-committees-ballot-close"
    ),
    path("v1/committees/ballots/<int:pk>/vote/", committees.VoteApi.as_view(), name="api-committees-vote"),
    path("v1/committees/panels/<int:pk>/assign/", committees.AssignApi.as_view(), name="api-committees-panel-assign"),
    path(
        "v1/committees/panels/<int:pk>/progress/",
        committees.PanelProgressApi.as_view(),
        name="api-committees-panel-progress",
    ),
    path("v1/committees/panels/<int:pk>/remind/", committees.RemindApi.as_view(), name="api-committees-panel-remind"),
    path("v1/committees/results/", committees.ResultListApi.as_view(), name="api-committees-results"),
    path(
        "v1/committees/results/<int:pk>/", committees.MeetingResultsApi.as_view(), name="api-committees-meeting-results"
    ),
    path("v1/committees/my-meetings/", committees.MyMeetingListApi.as_view(), name="api-committees-my-meetings"),
    path("v1/committees/my-meetings/<int:pk>/", committees.MyMeetingApi.as_view(), name="api-committees-my-meeting"),
    path("v1/committees/my-meetings/<int:pk>/sign-in/", committees.SignInApi.as_view(), name="api-committees-sign-in"),
    path("v1/committees/assignments/", committees.MyAssignmentListApi.as_view(), name="api-committees-my-assignments"),
    path("v1/committees/assignments/<int:pk>/opinion/", committees.OpinionApi.as_view(), name="api-committees-opinion"),
    path("v1/committees/reviews/", committees.MyReviewListApi.as_view(), name="api-committees-my-reviews"),
    path("v1/committees/reviews/<int:pk>/", committees.MyReviewApi.as_view(), name="api-committees-my-review"),
    path(
        "v1/committees/reviews/<int:pk>/submit/",
        committees.SubmitReviewApi.as_view(),
        name="api-committees-my-review-submit",
    ),
    # Last: any other API address (an id that is not a number, a section that does not exist) answers the
    # API's JSON 404 rather than the site's HTML page. Only paths ending in "/", so APPEND_SLASH still works.
    re_path(r"^(?:[\s\S]*/)?$", views.NotFoundApi.as_view(), name="api-not-found"),
]
