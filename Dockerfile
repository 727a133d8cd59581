# syntax=docker/dockerfile:1
# mamaflow as a container: a wheel built from this checkout (with the shipped flows and
# locales inside), installed into a slim Python image, run as a non-root user.
#   docker build -t mamaflow .
#   docker run -e TELEGRAM_BOT_TOKEN=... mamaflow             (long polling)
# For webhook mode with Redis and two workers, see compose.yaml and docs/deploy.md.
# tests/test_dockerfile.py runs this file's RUN, CMD and HEALTHCHECK lines in a fresh venv.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE ./
COPY bot ./bot
COPY flows ./flows
COPY locales ./locales
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin mamaflow \
 && mkdir -p /home/mamaflow/data && chown mamaflow:mamaflow /home/mamaflow/data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER mamaflow
WORKDIR /home/mamaflow
# Sessions: SQLite under ./data by default (mount a volume there), or BOT_STORE=redis://...
ENV BOT_STORE=sqlite:///data/mamaflow.db BOT_LOG_FORMAT=json TELEGRAM_WEBHOOK_LISTEN=0.0.0.0 TELEGRAM_WEBHOOK_PORT=8443
VOLUME /home/mamaflow/data
EXPOSE 8443
# In webhook mode the webhook port answers GET /healthz (200 when the store answers, else 503).
# Long polling opens no port, so there is nothing to check then.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; os.environ.get('TELEGRAM_WEBHOOK_URL') or sys.exit(0); urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('TELEGRAM_WEBHOOK_PORT', '8443'), timeout=4)"]
CMD ["mamaflow", "telegram"]
