"""Rate limits of the anonymous endpoints (login, the public calculator): one rate, from settings.ANON_RATE."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_ratelimit.decorators import ratelimit
from rest_framework.throttling import AnonRateThrottle


def anon_rate(group: str, request: Any) -> str:
    return settings.ANON_RATE


def limit_anonymous(view: Any) -> Any:
    """Pages: at most ANON_RATE POSTs per client address (django-ratelimit); over it, a Chinese 429 page."""
    return ratelimit(key="ip", rate=anon_rate, method="POST", block=True)(view)


class AnonymousThrottle(AnonRateThrottle):
    """API: the same rate for anonymous callers (DRF throttle)."""

    def get_rate(self) -> str:
        return settings.ANON_RATE

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
