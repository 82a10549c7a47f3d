"""The nginx recipe (deploy/nginx/lianhe.conf): rendered for a server, or run on 127.0.0.1 by
the tests and the benchmark.

    python -m deploy.nginx_conf --server-name lianhe.example.org --upstream 127.0.0.1:8000 \\
        --static-root /srv/lianhe/static --media-root /srv/lianhe/media \\
        --cache-dir /var/cache/nginx/lianhe [--listen 80]
"""

import argparse
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

RECIPE = Path(__file__).resolve().parent / "nginx" / "lianhe.conf"
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")


def render(*, listen, server_name, upstream, static_root, media_root, cache_dir):
    values = {
        "LISTEN": str(listen),
        "SERVER_NAME": server_name,
        "UPSTREAM": upstream,
        "STATIC_ROOT": str(Path(static_root)).rstrip("/"),
        "MEDIA_ROOT": str(Path(media_root)).rstrip("/"),
        "CACHE_DIR": str(cache_dir),
    }
    text = RECIPE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if re.search(r"\{\{[A-Z_]+\}\}", text):
        raise ValueError("nginx recipe has a value left unrendered")
    return text


def nginx_available():
    return shutil.which("nginx") is not None and PURGE_MODULE.exists()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout, name):
    """Until `process` listens on 127.0.0.1:`port`; RuntimeError if it exits or takes longer
    than `timeout` seconds (with what it wrote to a piped stderr, if any)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            said = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"{name} 已退出（{process.returncode}）{said}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} 未在 {timeout} 秒内监听 {port} 端口") from None
            time.sleep(0.05)


class LocalNginx:
    """nginx in the foreground on 127.0.0.1 with `server_conf` (inside `http {}`), everything it
    writes kept under `workdir`. A context manager."""

    def __init__(self, server_conf, workdir, *, workers=1):
        self.workdir = Path(workdir)
        self.server_conf = server_conf
        self.workers = workers
        self.process = None

    @classmethod
    def recipe(cls, workdir, *, port, upstream, static_root, media_root, workers=1):
        """The production recipe, as deployed, in front of `upstream`."""
        workdir = Path(workdir)
        conf = render(
            listen=f"127.0.0.1:{port}",
            server_name="_",
            upstream=upstream,
            static_root=static_root,
            media_root=media_root,
            cache_dir=workdir / "cache",
        )
        return cls(conf, workdir, workers=workers)

    def main_conf(self):
        temp = self.workdir / "temp"
        # Started by root, nginx's workers would run as nobody and could not read the caller's
        # private temporary folders; this nginx serves only those, on 127.0.0.1.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
        return f"""
{user}
daemon off;
worker_processes {self.workers};
pid {self.workdir}/nginx.pid;
error_log {self.workdir}/error.log warn;
load_module {PURGE_MODULE};
events {{ worker_connections 1024; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{self.server_conf}
}}
"""

    def ports(self):
        return [int(port) for port in re.findall(r"listen\s+127\.0\.0\.1:(\d+)", self.server_conf)]

    def start(self, timeout=10):
        (self.workdir / "temp").mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "nginx.conf"
        conf.write_text(self.main_conf(), encoding="utf-8")
        log = self.workdir / "error.log"
        self.process = subprocess.Popen(  # noqa: S603 (our own config, no shell)
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-p",
                str(self.workdir),
                "-e",
                str(log),
                "-c",
                str(conf),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            for port in self.ports():
                wait_for_port(port, self.process, timeout, "nginx")
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    parser = argparse.ArgumentParser(description="Render the nginx recipe for one server.")
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--upstream", required=True, help="gunicorn's address, e.g. 127.0.0.1:8000")
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--media-root", required=True)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--listen", default="80")
    args = parser.parse_args()
    print(
        render(
            listen=args.listen,
            server_name=args.server_name,
            upstream=args.upstream,
            static_root=args.static_root,
            media_root=args.media_root,
            cache_dir=args.cache_dir,
        )
    )


if __name__ == "__main__":
    main()
