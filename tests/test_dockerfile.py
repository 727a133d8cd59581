"""The Dockerfile and compose.yaml: their install and start commands run here, in a fresh venv.

There is no Docker on this machine, so the Dockerfile's own COPY, RUN, ENV, CMD and HEALTHCHECK
lines are replayed (tests/dockerfile.py) and the result must serve a chat in webhook mode, answer
its health check, and stop cleanly: the file cannot rot unnoticed.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
from pathlib import Path

import pytest
import yaml

from tests.dockerfile import Replay, exec_form, healthcheck, parse
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_telegram.harness import free_port
from tests.installed import ROOT, clean_env, fresh_venv

STAGES = parse(ROOT / "Dockerfile")
BUILD, FINAL = STAGES[0], STAGES[-1]


def test_a_slim_non_root_image_installs_the_wheel_built_in_the_first_stage() -> None:
    assert len(STAGES) == 2 and all(s.image.endswith("-slim") for s in STAGES)
    assert any(cmd.startswith("pip wheel") and "--no-deps" in cmd for cmd in BUILD.all("RUN"))
    assert any(cmd.startswith("pip install") and ".whl" in cmd for cmd in FINAL.all("RUN"))
    assert FINAL.all("USER") and FINAL.all("USER")[-1] not in ("root", "0")
    assert FINAL.all("EXPOSE") == [FINAL.env()["TELEGRAM_WEBHOOK_PORT"]]
    options, command = healthcheck(FINAL)
    assert "/healthz" in command[-1] and {"interval", "timeout"} <= set(options)
    assert exec_form(FINAL.all("CMD")[-1])[:2] == ["mamaflow", "telegram"]


def test_compose_runs_two_workers_on_one_redis_with_the_dockerfile_port() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    workers = {name: s for name, s in services.items() if s.get("build") == "."}
    assert len(workers) == 2
    port = FINAL.env()["TELEGRAM_WEBHOOK_PORT"]
    for worker in workers.values():
        env = worker["environment"]
        assert env["BOT_STORE"] == "redis://redis:6379/0"
        assert env["TELEGRAM_WEBHOOK_PORT"] == port and env["TELEGRAM_WEBHOOK_LISTEN"] == "0.0.0.0"
        assert env["TELEGRAM_WEBHOOK_URL"].startswith("https://")
        assert "TELEGRAM_WEBHOOK_SECRET" not in env, "the secret is derived from the token, the same everywhere"
        assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["redis"]["image"].startswith("redis:") and services["redis"]["healthcheck"]
    caddyfile = compose["configs"]["caddyfile"]["content"]
    hook_path = "/" + workers["worker-1"]["environment"]["TELEGRAM_WEBHOOK_URL"].split("/", 3)[3]
    assert f"handle {hook_path} {{" in caddyfile, "only the webhook path is forwarded"
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams and upstreams.group(1).split() == [f"{name}:{port}" for name in workers]
    assert "health_uri /healthz" in caddyfile


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Replay, Path, dict[str, str]]:
    """The Dockerfile replayed: (the replay, the final working directory, the final environment)."""
    tmp = tmp_path_factory.mktemp("image")
    replay = Replay(tmp / "root", fresh_venv(tmp / "python"), ROOT)
    replay.run_stage(BUILD, {})
    workdir, env = replay.run_stage(FINAL, clean_env())
    return replay, workdir, env


def test_the_install_commands_leave_only_the_installed_package(image) -> None:
    replay, workdir, _ = image
    assert (replay.bindir / "mamaflow").is_file()
    assert not replay.inside("/wheels").exists(), "the wheel is removed after installing it"
    assert (workdir / "data").is_dir()
    site = next(replay.bindir.parent.glob("lib/python*/site-packages"))
    assert (site / "bot" / "_content" / "flows" / "triage.yaml").is_file()


async def run(command: list[str], env: dict[str, str], cwd: Path) -> int:
    proc = await asyncio.create_subprocess_exec(*command, env=env, cwd=cwd, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    return await asyncio.wait_for(proc.wait(), 30)


async def test_the_start_command_serves_a_chat_and_passes_its_health_check(image) -> None:
    _, workdir, env = image
    fake = await FakeTelegram().start()
    port = free_port()
    env = {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url,
           "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/tg", "TELEGRAM_WEBHOOK_PORT": str(port)}
    _, check = healthcheck(FINAL)
    proc = await asyncio.create_subprocess_exec(*exec_form(FINAL.all("CMD")[-1]), env=env, cwd=workdir,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        for _ in range(300):
            if fake.webhook.url or proc.returncode is not None:
                break
            await asyncio.sleep(0.05)
        assert fake.webhook.url == f"http://127.0.0.1:{port}/tg"
        ana = fake.user()
        await ana.send("/start")
        assert (await ana.read(timeout=10)).labels, "the first question, with its buttons"
        assert await run(check, env, workdir) == 0, "HEALTHCHECK passes while the bot runs"
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 15)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.communicate()
        await fake.stop()
    assert proc.returncode == 0, err.decode()
    logs = [json.loads(line) for line in err.decode().splitlines()]  # BOT_LOG_FORMAT=json from ENV
    assert any("webhook" in e["message"] for e in logs) and TOKEN not in err.decode()
    assert (workdir / "data" / "mamaflow.db").is_file(), "sessions in the data volume"
    assert await run(check, env, workdir) != 0, "HEALTHCHECK fails once the bot is gone"
