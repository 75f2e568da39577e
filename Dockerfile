# PartnerOps: `partnerops run` (web server + scheduler) as a non-root user.
#   docker build -t partnerops .
#   docker run -p 3978:3978 -v partnerops-data:/data --env-file .env partnerops
# With PostgreSQL and the migration step: compose.yaml. Details: docs/DEPLOY.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY schedules ./schedules
COPY storage ./storage
RUN pip install . \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin partnerops \
    && mkdir /data && chown partnerops:partnerops /data

USER partnerops

# SQLite by default, on a volume (one process per file); set DATABASE_URL to
# postgresql+asyncpg://... for production and for several processes.
ENV PORT=3978 \
    DATABASE_URL=sqlite+aiosqlite:////data/partnerops.db
VOLUME ["/data"]
EXPOSE 3978

# 200 only when the database answers (503 otherwise); the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3978'), timeout=4)" || exit 1

# SIGTERM (docker stop) finishes the requests in flight and the sends under way, then exits 0.
STOPSIGNAL SIGTERM
CMD ["partnerops", "run"]
