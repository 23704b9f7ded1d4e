# DVT's image: the API (`dvt serve`, the default), a worker (`dvt worker`) or a one-shot `dvt migrate`, with the SPA
# built into the package and dbt (DuckDB and PostgreSQL adapters) in a venv of its own, run as an unprivileged user.
# Three stages: node builds the SPA, the wheel is built with it inside, and the runtime installs only that wheel.

FROM node:20-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend ./
RUN npm run build

FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backend backend
# The built SPA as package data (dvt/spa), as `make wheel` does: `dvt serve` serves it from the installed package.
COPY --from=spa /src/frontend/dist backend/dvt/spa
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.11-slim AS runtime
# git: runs and plans check out the project's repository.
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
# dbt in its own venv (its pins conflict with the server's; DVT only runs it as a subprocess).
COPY requirements/dbt.txt /tmp/dbt.txt
RUN python -m venv /opt/dbt && /opt/dbt/bin/pip install --no-cache-dir -r /tmp/dbt.txt && rm /tmp/dbt.txt
COPY --from=wheel /dist /tmp/dist
RUN python -m venv /opt/dvt && /opt/dvt/bin/pip install --no-cache-dir /tmp/dist/*.whl && rm -rf /tmp/dist
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home dvt
ENV PATH=/opt/dvt/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DVT_HOST=0.0.0.0 \
    DVT_DATA_DIR=/data \
    DVT_DBT_EXECUTABLE=/opt/dbt/bin/dbt
USER 10001:10001
WORKDIR /data
EXPOSE 8000
# Ready: the database answers (and the object store, once configured). A worker serves no HTTP: compose turns this
# check off for it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
CMD ["dvt", "serve"]
