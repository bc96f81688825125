"""Settings for kechuang.

Configuration comes from the environment (see README "Configuration"):
DATABASE_URL (default: embedded SQLite under var/), KECHUANG_SECRET_KEY, KECHUANG_DEBUG, KECHUANG_ALLOWED_HOSTS,
POLICY_DIR (the folder holding the policy documents, default ../shared/policies).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KECHUANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Production-safe by default (issue 12): DEBUG only when KECHUANG_DEBUG=1 (scripts/run.sh sets it for the demo);
# without DEBUG a real secret key is required. Test runs (pytest sets PYTEST_VERSION) get a test key.
TESTING = "PYTEST_VERSION" in os.environ
DEBUG = os.environ.get("KECHUANG_DEBUG", "0") == "1"
PRODUCTION = not DEBUG and not TESTING
SECRET_KEY = os.environ.get("KECHUANG_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "KECHUANG_SECRET_KEY 未设置：生产模式（KECHUANG_DEBUG 不为 1）必须提供至少 50 个字符的随机密钥，"
            "例如 python -c 'import secrets; print(secrets.token_urlsafe(64))'。演示环境请设置 KECHUANG_DEBUG=1。"
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"
# Personal data encrypted at rest (issue 25, 个人信息保护法; core.crypto): Fernet keys, comma-separated, newest first
# (an older key after the first still decrypts until `manage.py encrypt_personal_data` has re-encrypted every row).
# Production refuses to start without them; the demo and the tests use a fixed development key.
FIELD_KEYS = [k.strip() for k in os.environ.get("KECHUANG_FIELD_KEYS", "").split(",") if k.strip()]
if not FIELD_KEYS:
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "KECHUANG_FIELD_KEYS 未设置：生产模式必须提供个人信息（银行账号、证件号、电话）的加密密钥，"
            "例如 python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'。"
        )
    FIELD_KEYS = ["ZGV2LW9ubHktZmllbGQta2V5LW5ldmVyLWluLXByb2Q="]  # base64 of a 32-byte development-only key
ALLOWED_HOSTS = os.environ.get("KECHUANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
POLICY_DIR = Path(os.environ.get("POLICY_DIR", BASE_DIR.parent / "shared" / "policies"))
# The policy package of the jurisdiction the platform serves (policy.jurisdiction.current()).
POLICY_JURISDICTION = os.environ.get("KECHUANG_JURISDICTION", "policy_weihai")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "pgtrigger",
    "axes",
    "csp",
    "core",
    "accounts",
    "registry",
    "policy",
    "indicators",
    "screening",
    "incubation",
    "experts",
    "funding",
    "portal",
    "vouchers",
    "techmarket",
    "scifinance",
    "worklist",
    "reference",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
    "core.middleware.ValidationErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "screening.context_processors.notices",
                "policy.context_processors.jurisdiction",
                "worklist.context_processors.worklist",
            ],
        },
    },
]
WSGI_APPLICATION = "kechuang.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "core.db.sqlite3"  # keeps the append-only triggers across flushes
    # Transactions take the write lock when they begin (BEGIN IMMEDIATE): concurrent writers wait up to the timeout
    # instead of failing when a read lock cannot be upgraded; one that still finds it locked answers 409
    # (core.middleware.DatabaseBusyMiddleware), never a 500.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # the test database stays in memory; named so, pytest-xdist's workers each get their own (not a file path)
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    # PostgreSQL's JIT compiler off: a screening batch's reads (10,000 ids in an array) are costed above its threshold
    # at province scale (10M organisations) and spent ~190 ms compiling each one, for a read that takes ~30 ms
    # (benchmarks/distributed_run.py; PostgreSQL's documentation advises it off for short queries). Appended to any
    # options the URL gives.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

AUTH_USER_MODEL = "accounts.User"
# Test runs hash passwords with a fast hasher: every demo account and login of the suite would otherwise spend about
# a second in PBKDF2. Production and the demo keep Django's default (PBKDF2 with its full iteration count).
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "worklist:mine"  # every role starts from its work (issue 24 item 5)
LOGOUT_REDIRECT_URL = "login"
# Django's validators; their messages come in Chinese (LANGUAGE_CODE zh-hans).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling (django-axes)
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: 5 wrong passwords for one user name from one address lock it for 15 minutes (Chinese page).
AXES_ENABLED = os.environ.get("KECHUANG_AXES", "0" if TESTING else "1") == "1"
AXES_FAILURE_LIMIT = int(os.environ.get("KECHUANG_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("KECHUANG_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("KECHUANG_PROXY_COUNT", "0"))
# Anonymous endpoints (login, the public calculator): requests per address (django-ratelimit and DRF throttles).
ANON_RATE = os.environ.get("KECHUANG_ANON_RATE", "1000/m" if TESTING else "30/m")
RATELIMIT_ENABLE = True
# Rate-limit counters (and the indicators' registry counts) must be shared by all gunicorn workers in production:
# KECHUANG_CACHE=redis uses REDIS_URL; the default is a per-process memory cache (the demo, tests).
if os.environ.get("KECHUANG_CACHE") == "redis":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# ISO first in the input formats, so date widgets render what <input type="date"> keeps (core/formats/zh_Hans).
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Apache ECharts comes from the npm registry at set-up (package.json), never from a CDN at run time.
_ECHARTS_DIST = BASE_DIR / "node_modules" / "echarts" / "dist"
if _ECHARTS_DIST.exists():
    STATICFILES_DIRS.append(("echarts", _ECHARTS_DIST))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long indicator figures counted from the registry are kept in Django's cache between requests.
INDICATORS_CACHE_SECONDS = int(os.environ.get("KECHUANG_INDICATORS_CACHE_SECONDS", "600"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kechuang 科创 API",
    "DESCRIPTION": "科技创新政策平台 REST API：登记库、政策计算、指标监测。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.document_errors"],
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "registry.models.OrganizationKind",
        "RegionKindEnum": "registry.models.Region.Kind",
        "LevelEnum": "registry.models.Level",
        # the size standard's codes (registry fields and typed situations share one list each)
        "IndustrySectorEnum": "registry.models.industry_sector_choices",
        "SmeSizeEnum": "registry.models.sme_size_choices",
        # one name per choice set where several models call a field status, state, origin or product
        "ScreeningRunStatusEnum": "screening.models.ScreeningRun.Status",
        "ScreeningResultStatusEnum": "screening.models.ScreeningResult.Status",
        "ExpertStatusEnum": "experts.models.Expert.Status",
        "ReviewRoundStatusEnum": "experts.models.ReviewRound.Status",
        "AssignmentStatusEnum": "experts.models.Assignment.Status",
        "ProviderStatusEnum": "vouchers.models.Provider.Status",
        "MatchStatusEnum": "techmarket.models.Match.Status",
        "TechContractStatusEnum": "techmarket.models.TechContract.Status",
        "ChangeRequestStateEnum": "funding.models.ChangeRequest.State",
        "BookingStateEnum": "vouchers.models.Booking.State",
        "ServiceRecordStateEnum": "vouchers.models.ServiceRecord.State",
        "VoucherUseStateEnum": "vouchers.models.VoucherUse.State",
        "SettlementBatchStateEnum": "vouchers.models.SettlementBatch.State",
        "LoanProductEnum": "scifinance.models.Product",
        "InsurancePolicyProductEnum": "scifinance.models.PolicyProduct",
        "ListingStatusEnum": "techmarket.models.ListingStatus",
        "ClaimOriginEnum": "funding.models.Claim.Origin",
        "ClaimStateEnum": "funding.workflow.STATE_CHOICES",
    },
}

# ---- security headers, cookies, CSP (django-csp) -----------------------------------------------------------------
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],  # inline scripts carry the per-request nonce
        "style-src": [SELF, "'unsafe-inline'"],  # style attributes (ECharts, Swagger UI)
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("KECHUANG_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # nginx sets it (deploy/nginx/kechuang.conf)
    SECURE_HSTS_SECONDS = int(os.environ.get("KECHUANG_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if h and h not in ("testserver",)]
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the load balancer's plain-HTTP probe

# KECHUANG_LOG_FORMAT=json: one JSON object per line (python-json-logger) for journald / a log shipper.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": "json" if os.environ.get("KECHUANG_LOG_FORMAT") == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KECHUANG_LOG_LEVEL", "WARNING")},
}

from screening.huey_settings import HUEY  # noqa: E402, F401

# Records that feed the policy engine's situations besides the registry's hand-typed events (loans, policies).
POLICY_EVENT_SOURCES = ["scifinance.engine.add_finance_events"]
