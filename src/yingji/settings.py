"""Django settings, all taken from YINGJI_* environment variables (see config.py)."""

import datetime
import os
from pathlib import Path

import dj_database_url

from yingji import config
from yingji.core.framework import contentpolicy, contributions

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key()
DEBUG = config.env_bool("YINGJI_DEBUG")
ALLOWED_HOSTS = config.env_list("YINGJI_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = config.env_list("YINGJI_CSRF_TRUSTED_ORIGINS")

# The platform's apps: every yingji.<name> package whose apps.py declares a YingjiAppConfig, in their
# declared order (core/framework/contributions.py); adding an app adds no line here.
YINGJI_APPS = contributions.discover()
INSTALLED_APPS = [
    *contributions.app_paths(YINGJI_APPS),
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
    "auditlog",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy: no inline script (core/framework/contentpolicy.py)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "yingji.core.framework.rest.QueryGuardMiddleware",
    "yingji.core.framework.sessions.SessionLimitsMiddleware",  # session expiry; a one-time password is changed first
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "yingji.urls"
WSGI_APPLICATION = "yingji.wsgi.application"
ASGI_APPLICATION = "yingji.asgi.application"

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
                "yingji.core.framework.context.platform",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(config.database_url())}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A psycopg pool per process (docs/decisions/0013-serving.md): under ASGI every request runs in a
    # thread of its own, so persistent per-thread connections (CONN_MAX_AGE) piled up to one per
    # request thread; the pool bounds a process to YINGJI_DB_POOL_MAX_SIZE connections and a request
    # hands its connection back when it ends. Pooling requires CONN_MAX_AGE = 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # the pool checks a connection before lending it
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = config.db_pool()
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers run beside the writer; IMMEDIATE avoids "database is locked" on upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # the pool checks a connection before lending it
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests get a file, not the shared-cache in-memory database: ingest workers and servers run in
    # threads beside the test, and shared-cache SQLite locks whole tables between connections.
    # One file per test process: settings are read before tests/conftest.py can point YINGJI_DATA_DIR
    # elsewhere, so two checkouts (or two runs) testing at once would otherwise share one file.
    DATABASES["default"]["TEST"] = {"NAME": str(config.data_dir() / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts and addresses first (core/framework/logins.py)
    "yingji.core.framework.who.AccountBackend",  # ModelBackend, the account's scope and roles read once (who.py)
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Password rules (core/framework/passwords.py; docs/configuration.md): length, character classes, not
# like the account's own names, not a common password, not digits only.
PASSWORD_MIN_LENGTH = int(config.env("YINGJI_PASSWORD_MIN_LENGTH"))
PASSWORD_CHARACTER_CLASSES = int(config.env("YINGJI_PASSWORD_CLASSES"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "first_name", "email", "phone")}},
    {"NAME": "yingji.core.framework.passwords.MinimumLengthValidator"},
    {"NAME": "yingji.core.framework.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # what people choose
    "yingji.core.framework.passwords.OneTimePasswordHasher",  # the platform's random one-time passwords
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]  # the UI speaks Chinese whatever the browser asks for
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package when collectstatic was not run
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"  # never served directly: attachments go through a scope-checked view

UPLOAD_MAX_BYTES = int(config.env("YINGJI_UPLOAD_MAX_MB")) * 1024 * 1024
UPLOAD_EXTENSIONS = [x.lower() for x in config.env_list("YINGJI_UPLOAD_EXTENSIONS")]
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
PAGE_SIZE = int(config.env("YINGJI_PAGE_SIZE"))
IMPORT_BACKGROUND_ROWS = int(config.env("YINGJI_IMPORT_BACKGROUND_ROWS"))  # larger files import as a job

MAP_TILE_URL = config.env("YINGJI_MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = config.env("YINGJI_MAP_TILE_ATTRIBUTION")
MAP_TILE_GCJ02 = config.env_bool("YINGJI_MAP_TILE_GCJ02")
ROAD_NETWORK = str(config.road_network_path())

# Scripts only from our static files; the base-map tiles' origin is allowed as an image source.
CONTENT_SECURITY_POLICY = contentpolicy.policy(MAP_TILE_URL)

# Background jobs: a real broker when configured, else tasks run in-process (yingji demo).
CELERY_BROKER_URL = config.env("YINGJI_BROKER_URL")
CELERY_EMBEDDED = not CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = CELERY_EMBEDDED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "yingji.core.framework.who.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["yingji.core.framework.access.RegistryPermission"],
    "DEFAULT_PAGINATION_CLASS": "yingji.core.framework.rest.Pagination",
    "DEFAULT_PARSER_CLASSES": [  # they refuse NUL characters (PostgreSQL would, with a 500)
        "yingji.core.framework.rest.JSONParser",
        "yingji.core.framework.rest.FormParser",
        "yingji.core.framework.rest.MultiPartParser",
    ],
    "PAGE_SIZE": PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "yingji.core.framework.rest.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "yingji.core.framework.rest.exception_handler",
    "SEARCH_PARAM": "q",
    "ORDERING_PARAM": "ordering",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "yingji 应急管理综合应用平台 API",
    "DESCRIPTION": "所有登记簿（区划、单位、人员……）的查询、新增、修改、删除、导入导出与变更历史。"
    "认证：Token（先 POST /api/token/ 取得令牌，请求头写 Authorization: Token 令牌）或登录会话。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "yingji.core.framework.rest.declare_errors"],
    "ENUM_NAME_OVERRIDES": contributions.enum_names(YINGJI_APPS),  # each app's api_enum_names
}

AUDITLOG_INCLUDE_ALL_MODELS = False
FILTERS_EMPTY_CHOICE_LABEL = "全部"

SECURE = config.env_bool("YINGJI_SECURE")
if SECURE:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
# Sessions (core/framework/sessions.py): signed out a fixed time after signing in, and after a time
# without any request (an open page keeps its session: the notification badge asks every 30 s).
SESSION_HOURS = float(config.env("YINGJI_SESSION_HOURS"))
SESSION_IDLE_MINUTES = float(config.env("YINGJI_SESSION_IDLE_MINUTES"))
SESSION_COOKIE_AGE = int(SESSION_HOURS * 3600)

# Client addresses (core/framework/net.py): X-Forwarded-For is believed only from these proxies.
TRUSTED_PROXIES = config.env_list("YINGJI_TRUSTED_PROXIES")

# Failed-login limits (core/framework/logins.py, django-axes).
LOGIN_FAILURES = int(config.env("YINGJI_LOGIN_FAILURES"))
LOGIN_ADDRESS_FAILURES = int(config.env("YINGJI_LOGIN_ADDRESS_FAILURES"))
LOGIN_ACCOUNT_FAILURES = int(config.env("YINGJI_LOGIN_ACCOUNT_FAILURES"))
AXES_FAILURE_LIMIT = LOGIN_FAILURES
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]  # limits: logins.limit_of
AXES_HANDLER = "yingji.core.framework.logins.LoginLimitHandler"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(config.env("YINGJI_LOGIN_COOLOFF_MINUTES")))
AXES_CLIENT_IP_CALLABLE = "yingji.core.framework.net.client_ip"
AXES_LOCKOUT_CALLABLE = "yingji.core.framework.logins.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env("YINGJI_LOG_LEVEL")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Warning e-mails (warnings/channels.py); without a host they are only logged.
if config.env("YINGJI_EMAIL_HOST"):
    EMAIL_HOST, _, _port = config.env("YINGJI_EMAIL_HOST").partition(":")
    EMAIL_PORT = int(_port or 25)
    EMAIL_HOST_USER = config.env("YINGJI_EMAIL_USER")
    EMAIL_HOST_PASSWORD = config.env("YINGJI_EMAIL_PASSWORD")
    EMAIL_USE_TLS = EMAIL_PORT == 587
DEFAULT_FROM_EMAIL = config.env("YINGJI_EMAIL_FROM")
