#!/usr/bin/env python3
"""Writes the detector's recorded sequences (seeded: the same files every run).

CSV columns: time (ISO-8601 UTC), kind (issued|refused|used), client, source_ip, user_agent,
auth_method, audience, jti, reason, mark. mark "anomaly" is the first event of the anomaly,
"fires" the event at which the rule is expected to fire (AnomalyDetectorSequencesTest).
Run from this directory: python3 generate.py
"""
import datetime as dt
import gzip
import math
import random

START = dt.datetime(2026, 11, 2, 0, 0, 0, tzinfo=dt.timezone.utc)
UA = "aws-sdk-java/2.57.8 md/io#sync ua/2.1 os/Linux lang/java#25"
AUD = "https://orders.example.com"


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


class Seq:
    def __init__(self, seed):
        self.rows = []
        self.rng = random.Random(seed)
        self.n = 0

    def issued(self, t, client, ip, ua=UA, auth="AWS_IAM", aud=AUD, mark=""):
        self.n += 1
        jti = "jti-%06d" % self.n
        self.rows.append((t, "issued", client, ip, ua, auth, aud, jti, "", mark))
        return jti

    def refused(self, t, client, reason, ip, mark=""):
        self.rows.append((t, "refused", client, ip, "", "", "", "", reason, mark))

    def used(self, t, client, jti, ip, mark=""):
        self.rows.append((t, "used", client, ip, "", "", "", jti, "", mark))

    def diurnal(self, client, days, trough, peak, ips, refusal_per_hour=0.0):
        """Issuances per 5-minute window on a smooth day curve, Poisson-like jitter."""
        for w in range(days * 288):
            phase = 2 * math.pi * ((w % 288) / 288.0 - 0.25)  # trough at 00:00, peak at 12:00
            mean = trough + (peak - trough) * (1 + math.sin(phase)) / 2
            count = max(0, int(self.rng.gauss(mean, math.sqrt(mean))))
            base = START + dt.timedelta(minutes=5 * w)
            for _ in range(count):
                t = base + dt.timedelta(milliseconds=self.rng.randrange(300_000))
                self.issued(t, client, self.rng.choice(ips))
            if self.rng.random() < refusal_per_hour / 12:
                t = base + dt.timedelta(milliseconds=self.rng.randrange(300_000))
                self.refused(t, client, "invalid_scope", self.rng.choice(ips))

    def write(self, name, compress=False):
        self.rows.sort(key=lambda r: r[0])
        text = "".join(",".join([iso(r[0])] + list(r[1:])) + "\n" for r in self.rows)
        if compress:
            with gzip.GzipFile(name, "wb", mtime=0) as f:
                f.write(text.encode())
        else:
            with open(name, "w") as f:
                f.write(text)


HOME = ["10.1.2.%d" % i for i in range(10, 30)] + ["10.1.3.%d" % i for i in range(10, 30)]
END = START + dt.timedelta(days=1)

# Two days of a busy IAM client's ordinary day curve (5 to 60 per 5 minutes), with the odd
# refused scope: no rule may fire.
s = Seq(1)
s.diurnal("orders-iam", 2, 5, 60, HOME, refusal_per_hour=0.5)
s.write("normal-diurnal.csv.gz", compress=True)

# A day of the curve, then 150 issuances in two minutes at 14:00 on day 2.
s = Seq(2)
s.diurnal("orders-iam", 1, 2, 12, HOME)
burst = END + dt.timedelta(hours=14)
for i in range(150):
    s.issued(burst + dt.timedelta(milliseconds=800 * i), "orders-iam", HOME[i % 5],
             mark="anomaly" if i == 0 else "")
s.write("rate-spike.csv.gz", compress=True)

# A day of the curve, then one issuance to the IAM client from a network it never used.
s = Seq(3)
s.diurnal("orders-iam", 1, 2, 12, HOME)
s.issued(END + dt.timedelta(hours=3, seconds=7), "orders-iam", "198.51.100.23", mark="fires")
s.write("new-network.csv.gz", compress=True)

# A day of the curve, then five refused scope requests in a minute.
s = Seq(4)
s.diurnal("orders-iam", 1, 2, 12, HOME)
for i in range(5):
    s.refused(END + dt.timedelta(hours=9, seconds=12 * i), "orders-iam", "invalid_scope",
              "10.1.2.11", mark="anomaly" if i == 0 else ("fires" if i == 4 else ""))
s.write("scope-escalation.csv.gz", compress=True)

# A day of the curve, then one spent refresh token presented again.
s = Seq(5)
s.diurnal("orders-iam", 1, 2, 12, HOME)
s.refused(END + dt.timedelta(hours=2), "orders-iam", "refresh_token_reused", "10.1.2.12",
          mark="fires")
s.write("refresh-reuse.csv.gz", compress=True)

# A token issued to 10.1.2.0/24 used first from there, then from another network.
s = Seq(6)
jti = s.issued(START + dt.timedelta(hours=1), "orders-iam", "10.1.2.15")
s.used(START + dt.timedelta(hours=1, seconds=3), "orders-iam", jti, "10.1.2.16")
s.used(START + dt.timedelta(hours=1, seconds=40), "orders-iam", jti, "203.0.113.9",
       mark="fires")
s.write("network-mismatch.csv.gz", compress=True)

# An hourly cron fleet: 40 tokens in the first minute of every hour for two days, nothing else.
# Normal for it: no rule may fire once the detector has learnt it (its first hour).
s = Seq(7)
for h in range(48):
    for i in range(40):
        s.issued(START + dt.timedelta(hours=h, milliseconds=1500 * i), "orders-cron", HOME[i % 4])
s.write("hourly-cron.csv.gz", compress=True)
