from typing import ClassVar

from rest_framework.views import APIView


class AccessRuleAPIView(APIView):
    """Every API view names its access rule, as pages do; the URL walker test reads it."""

    access_rule: ClassVar[str]
