# Two commands do everything: `make run` (demo on http://127.0.0.1:$(PORT)) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install install-test lint bench bench-load clean

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .
	touch $@

# The project's own translations (locale/*/LC_MESSAGES/*.po) compiled to the .mo files Django
# reads; .mo files are not in git, and a .po edited after its .mo is compiled again.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po $(VENV)/.installed
	@$(PY) locale/compile.py $<

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed $(MO_FILES)
TEST_PACKAGES := chromium fonts-wqy-zenhei nginx-light libnginx-mod-http-cache-purge
install-test: $(VENV)/.installed-test $(MO_FILES)
	@# The browser tests (tests/browser) drive Debian's chromium (Playwright downloads none), with
	@# a CJK font so that their screenshots show the Chinese text; the nginx recipe's tests
	@# (tests/deploy) run Debian's nginx with its cache_purge module.
	@{ command -v chromium && command -v nginx && test -e /usr/lib/nginx/modules/ngx_http_cache_purge_module.so; } >/dev/null 2>&1 \
		|| (apt-get install -y $(TEST_PACKAGES) >/dev/null 2>&1 \
		|| (apt-get update >/dev/null 2>&1 && apt-get install -y $(TEST_PACKAGES) >/dev/null 2>&1) \
		|| sudo -n apt-get install -y $(TEST_PACKAGES) >/dev/null 2>&1) \
		|| echo "未能安装 $(TEST_PACKAGES)：浏览器测试（tests/browser）与 nginx 测试（tests/deploy）无法运行"

# Quiet: one line per step; mail goes to mail/ (files), and the server's banner ends with the
# demo accounts and the address to open.
run: install
	@echo "== 数据库迁移 =="
	@$(PY) manage.py migrate --noinput -v 0
	@echo "== 演示数据 =="
	@$(PY) manage.py load_demo
	@echo "== 启动（邮件保存在 mail/ 目录） =="
	@$(PY) manage.py runserver 127.0.0.1:$(PORT)

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process. The
# nginx, browser and killed-worker tests follow in one process of their own: they flush the
# database around a live server or a Celery worker in another process, which on SQLite is a
# file (LIANHE_TEST_SQLITE_FILE) so that its threads write concurrently as the demo's do and
# another process can open it. LIVE_TESTS names that second group (CI runs the browser
# journeys once, on SQLite, the embedded default; on PostgreSQL only the nginx recipe's and the
# killed worker's).
PYTEST_WORKERS ?= auto
LIVE_TESTS ?= tests/deploy tests/browser tests/workers
test: install-test
	@DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest -n $(PYTEST_WORKERS) --ignore=tests/browser --ignore=tests/deploy --ignore=tests/workers $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest 未收集到任何测试"; exit 1; fi; [ $$rc -eq 0 ] || exit $$rc; \
	LIANHE_TEST_SQLITE_FILE=1 DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest -p no:xdist $(LIVE_TESTS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest 未收集到浏览器与 nginx 测试"; exit 1; fi; exit $$rc

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

# bench/site.py serves the site behind nginx (the production recipe needs the cache-purge module)
# and loads it with wrk; it also needs PostgreSQL and Redis on 127.0.0.1.
BENCH_PACKAGES := nginx-light libnginx-mod-http-cache-purge wrk
bench: install
	@{ command -v nginx && command -v wrk && test -e /usr/lib/nginx/modules/ngx_http_cache_purge_module.so; } >/dev/null 2>&1 \
		|| (apt-get install -y $(BENCH_PACKAGES) >/dev/null 2>&1 \
		|| (apt-get update >/dev/null 2>&1 && apt-get install -y $(BENCH_PACKAGES) >/dev/null 2>&1) \
		|| sudo -n apt-get install -y $(BENCH_PACKAGES) >/dev/null 2>&1) \
		|| echo "未能安装 $(BENCH_PACKAGES)：bench/site.py 无法运行"
	$(PY) bench/export_reports.py && $(PY) bench/docx_import.py && $(PY) bench/site.py

# bench/load.py: 64 clients for 60 s on PostgreSQL (127.0.0.1), public pages and the apply form.
bench-load: install
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null 2>&1 \
		|| (apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1) \
		|| echo "未能安装 wrk：bench/load.py 无法运行"
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) db.sqlite3 media static_collected
