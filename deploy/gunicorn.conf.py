"""gunicorn settings for kechuang (``gunicorn -c deploy/gunicorn.conf.py kechuang.wsgi``), behind nginx."""

import multiprocessing
import os

bind = os.environ.get("KECHUANG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KECHUANG_WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("KECHUANG_WEB_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("KECHUANG_WEB_TIMEOUT", "120"))  # Excel imports and PDF reports
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (memory)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("KECHUANG_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# One JSON object per request line when KECHUANG_LOG_FORMAT=json (same as the application's logs).
if os.environ.get("KECHUANG_LOG_FORMAT") == "json":
    access_log_format = ('{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s",'
                         '"status":%(s)s,"bytes":"%(B)s","duration_us":%(D)s,"agent":"%(a)s"}')
