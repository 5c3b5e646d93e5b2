# The bot's image: the locked production dependencies (no test tools) in a virtual
# environment, the source beside it, run as an unprivileged user. Build from the clone:
#   docker build -t tes-resident-bot .
# deploy/compose.yaml runs two of it behind nginx on PostgreSQL and Redis.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
COPY requirements/production.txt /tmp/production.txt
RUN /venv/bin/pip install --require-hashes -r /tmp/production.txt
WORKDIR /app
COPY pyproject.toml README.md bot.py ./
COPY bot bot
COPY dialogs dialogs
COPY domain domain
COPY handlers handlers
COPY rendering rendering
COPY storage storage
COPY locales locales
# The project's own metadata (its version, in the start-up line and bot_build_info); its
# dependencies are the locked ones above.
RUN /venv/bin/pip install --no-deps -e . && find /app -name __pycache__ -prune -exec rm -rf {} +

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /app/data && chown bot /app/data
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
USER bot
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 WEBHOOK_HOST=0.0.0.0 WEBHOOK_PORT=8080 \
    MPLCONFIGDIR=/app/data/.matplotlib
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"WEBHOOK_PORT\"]}/healthz', timeout=4)"
# SIGTERM finishes the updates in flight within 25 s: give it the 30 s Docker allows.
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "bot.py"]
CMD ["run"]
