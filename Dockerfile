# The DVT server image (API and, once it lands, the worker). dbt lives in its own venv inside it.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends git make && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend backend
COPY requirements requirements
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir -e . \
 && python -m venv .venv-dbt && .venv-dbt/bin/pip install --no-cache-dir -r requirements/dbt.txt
ENV PATH=/app/.venv/bin:$PATH DVT_HOST=0.0.0.0 DVT_DATA_DIR=/data
EXPOSE 8000
CMD ["dvt", "serve"]
