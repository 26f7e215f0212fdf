"""The user journeys of `bench/load` (locust): secretaries log meetings (writes), members open their home, tasks and
meetings on a phone, reviewers read the compliance of the whole tree. Logins and pages come from bench/load_setup.py
through the LOAD_CONTEXT file; the host is always 127.0.0.1."""

import itertools
import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

from locust import HttpUser, between, task

CONTEXT = json.loads(Path(os.environ["LOAD_CONTEXT"]).read_text(encoding="utf-8"))
PASSWORD = "bench-pass-2026"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_counters = {kind: itertools.count() for kind in ("secretaries", "members", "reviewers")}


class PortalUser(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(1, 3)

    def on_start(self):
        people = CONTEXT[self.kind]
        self.person = people[next(_counters[self.kind]) % len(people)]
        page = self.client.get("/accounts/login/", name="login page")
        token = _TOKEN.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"username": self.person["username"], "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log in",
        )
        if "/accounts/login/" in response.url:
            response.failure("login refused")

    def form_token(self, path: str, name: str) -> str:
        page = self.client.get(path, name=name)
        found = _TOKEN.search(page.text)
        return found.group(1) if found else ""


class Secretary(PortalUser):
    """A 书记: the branch page, the meeting list, and now and then plans a meeting and deletes it again (writes that
    renew the cached pages above the branch)."""

    kind = "secretaries"
    weight = 2

    @task(4)
    def branch_page(self):
        self.client.get(f"/organisations/{self.person['branch']}/", name="branch page")

    @task(3)
    def meeting_list(self):
        self.client.get("/meetings/", name="meeting list")

    @task(2)
    def compliance(self):
        self.client.get(f"/meetings/compliance/{self.person['branch']}/", name="compliance (branch)")

    @task(1)
    def plan_and_withdraw_a_meeting(self):
        branch = self.person["branch"]
        path = f"/meetings/new/?organisation={branch}"
        token = self.form_token(path, "meeting form")
        start = (datetime.now() + timedelta(days=3)).replace(second=0, microsecond=0)
        response = self.client.post(
            path,
            {
                "csrfmiddlewaretoken": token,
                "organisation": branch,
                "types": "theme_day",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "place": "党员活动室",
                "topic": "压力测试：主题党日",
            },
            headers={"Referer": f"{self.host}{path}"},
            name="plan a meeting (POST)",
            allow_redirects=False,
        )
        found = re.search(r"/meetings/(\d+)/", response.headers.get("Location", ""))
        if response.status_code != 302 or not found:
            response.failure(f"meeting not planned ({response.status_code})")
            return
        meeting = found.group(1)
        self.client.get(f"/meetings/{meeting}/", name="meeting detail")
        delete = f"/meetings/{meeting}/delete/"
        token = self.form_token(delete, "delete form")
        self.client.post(
            delete,
            {"csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}{delete}"},
            name="delete a meeting (POST)",
        )


class Member(PortalUser):
    """A 党员 on a phone: their home, tasks and meetings."""

    kind = "members"
    weight = 6

    @task(3)
    def home(self):
        self.client.get("/my/", name="my home")

    @task(2)
    def study_tasks(self):
        self.client.get("/study/mine/", name="my tasks")

    @task(2)
    def meetings(self):
        self.client.get("/meetings/mine/", name="my meetings")


class Reviewer(PortalUser):
    """上级党委: the compliance of the whole tree and the root's pages."""

    kind = "reviewers"
    weight = 1

    @task(3)
    def compliance_root(self):
        self.client.get(f"/meetings/compliance/{CONTEXT['root']}/", name="compliance (root)")

    @task(2)
    def root_page(self):
        self.client.get(f"/organisations/{CONTEXT['root']}/", name="organisation page (root)")

    @task(1)
    def meeting_list(self):
        self.client.get("/meetings/", name="meeting list (root)")
