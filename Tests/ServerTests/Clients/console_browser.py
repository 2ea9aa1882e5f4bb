"""Drives the web console of a running tsdb-server in headless Chromium (selenium + chromedriver).

    python3 console_browser.py PORT SCREENSHOT_DIR [TOKEN]

The server must hold play events in database `default` (table `plays`). Checks, in a real browser:
the console runs a typed query and its grid shows the HTTP API's numbers; a time-bucketed query draws
an SVG chart; a bad query shows its error at the right position; the schema browser lists the table,
its columns and its day partitions; /dashboard fills every panel and refreshes them; /report shows
an artist's month. Throughout: no error in the browser console, and no request leaves 127.0.0.1.
Screenshots go to SCREENSHOT_DIR. Prints "ok" at the end; any failure raises (non-zero exit).
"""
import json
import os
import sys
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

port = int(sys.argv[1])
shots = sys.argv[2]
token = sys.argv[3] if len(sys.argv) > 3 else ""
base = f"http://127.0.0.1:{port}"
os.makedirs(shots, exist_ok=True)


def api(sql, db="default", fmt="json"):
    """The HTTP API's answer to `sql` (JSON rows, or the text of another format)."""
    url = f"{base}/api/v3/query_sql?" + urllib.parse.urlencode({"db": db, "q": sql, "format": fmt})
    req = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    with urllib.request.urlopen(req) as r:
        body = r.read()
        return json.loads(body) if fmt == "json" else body.decode()


def metric(name):
    """A value of the server's /metrics (0 when absent)."""
    req = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Token {token}"} if token else {})
    with urllib.request.urlopen(req) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
    return 0.0


downloads = os.path.join(shots, "downloads")


def downloaded(name, timeout=20):
    """The text of a file the page saved, once it is complete."""
    path = os.path.join(downloads, name)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path) and not os.path.exists(path + ".crdownload"):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            os.remove(path)
            return text
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded: {os.listdir(downloads) if os.path.isdir(downloads) else []}")


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def step(name):
    print(f"-- {name}", flush=True)


options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900",
          "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync",
          "--disable-component-update", "--disable-default-apps", "--hide-scrollbars", "--force-color-profile=srgb"]:
    options.add_argument(a)
options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
driver = webdriver.Chrome(options=options, service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")))
wait = WebDriverWait(driver, 30)
os.makedirs(downloads, exist_ok=True)
driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
console_errors = []
requests_seen = []


def drain_logs(expected_400=False):
    """Collects console errors and the URLs of every request the page made. With `expected_400`, the
    browser's own note on the deliberately bad query's 400 answer is not an error."""
    for e in driver.get_log("browser"):
        if expected_400 and "/api/v3/query_sql - Failed to load resource" in e["message"] and "400" in e["message"]:
            expected_400 = False
            continue
        if e["level"] in ("SEVERE", "ERROR"):
            console_errors.append(e["message"])
    for e in driver.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m["method"] == "Network.requestWillBeSent":
            requests_seen.append(m["params"]["request"]["url"])


def testid(name, root=None):
    return (root or driver).find_element(By.CSS_SELECTOR, f"[data-testid={name}]")


def shot(name):
    path = os.path.join(shots, name)
    driver.save_screenshot(path)
    print(f"screenshot {path}", flush=True)


def set_editor(sql):
    """Sets the editor's text the way the contract says: value, then an input event."""
    driver.execute_script(
        "const e = document.querySelector('[data-testid=editor]'); e.value = arguments[0];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));", sql)


def run_and_wait():
    before = driver.execute_script("return window.__runs = (window.__runs || 0) + 1")
    driver.execute_script("document.body.dataset.state = 'waiting'")
    testid("run").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") in ("done", "error"))
    return before


def grid(container):
    """Header names and rows of the grid in `container`; number cells give their raw value."""
    heads = [th.text for th in container.find_elements(By.CSS_SELECTOR, "table.grid thead th")]
    rows = []
    for tr in container.find_elements(By.CSS_SELECTOR, "table.grid tbody tr"):
        cells = []
        for td in tr.find_elements(By.TAG_NAME, "td"):
            raw = td.get_attribute("data-value")
            cells.append(float(raw) if raw is not None else td.text)
        rows.append(cells)
    return heads, rows


try:
    # ------------------------------------------------------------------ console
    step("console loads")
    if token:
        # The token the console asks for lives in sessionStorage: give it one the way a user would.
        driver.get(base + "/")
        dialog = wait.until(lambda d: d.find_element(By.ID, "token-dialog") if d.find_element(By.ID, "token-dialog").get_attribute("open") is not None else None)
        dialog.find_element(By.ID, "token-input").send_keys(token)
        dialog.find_element(By.CSS_SELECTOR, "button[value=ok]").click()
    else:
        driver.get(base + "/")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    wait.until(lambda d: "plays" in testid("schema").text)

    step("a typed query shows the API's numbers")
    sql = ("SELECT platform, count(*) AS plays, sum(duration_ms) AS total_ms\nFROM plays\n"
           "GROUP BY platform\nORDER BY plays DESC, platform")
    editor = testid("editor")
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys(sql)
    driver.execute_script("document.body.dataset.state = 'waiting'")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)  # Ctrl+Enter runs
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "done")
    expected = api(sql.replace("\n", " "))
    heads, rows = grid(testid("results"))
    check(heads == ["platform", "plays", "total_ms"], f"grid header {heads}")
    got = [[r[0], int(r[1]), int(r[2])] for r in rows]
    want = [[e["platform"], e["plays"], e["total_ms"]] for e in expected]
    check(got == want, f"grid rows {got} != API {want}")
    cell = testid("results").find_element(By.CSS_SELECTOR, "tbody td.k-number")
    check(cell.value_of_css_property("text-align") == "right", "numbers are right-aligned")
    status = testid("status").text
    check(f"{len(expected)} rows" in status or f"{len(expected)} row" in status, f"status '{status}'")
    check(testid("chart").find_elements(By.CSS_SELECTOR, "svg rect.bar"), "category + number draws a bar chart")

    step("CSV and JSON downloads hold the API's answer")
    driver.find_element(By.ID, "download-csv").click()
    check(downloaded("result.csv") == api(sql, fmt="csv"), "the CSV download equals format=csv")
    driver.find_element(By.ID, "download-json").click()
    check(json.loads(downloaded("result.json")) == expected, "the JSON download equals format=json")

    step("a time-bucketed query draws a line chart")
    set_editor("SELECT time_bucket(INTERVAL '1 day', time) AS day, count(*) AS plays\nFROM plays\nGROUP BY day\nORDER BY day")
    run_and_wait()
    chart = testid("chart")
    check(chart.is_displayed(), "the chart is shown")
    wait.until(lambda d: chart.find_elements(By.CSS_SELECTOR, "svg path.line"))
    check(driver.find_element(By.ID, "chart-kind").get_attribute("value") == "line", "time + number picks a line chart")
    days = api("SELECT time_bucket(INTERVAL '1 day', time) AS day, count(*) AS plays FROM plays GROUP BY day ORDER BY day")
    _, rows = grid(testid("results"))
    check(sum(int(r[1]) for r in rows) == sum(d["plays"] for d in days) or len(days) > 100, "daily counts add up")

    step("a large result is paged")
    total = api("SELECT count(*) AS n FROM plays")[0]["n"]
    set_editor("SELECT * FROM plays")
    run_and_wait()
    pager = testid("pager", testid("results"))
    check(f"rows 1–100 of {total:,}" in pager.text, f"pager: {pager.text}")
    check(len(testid("results").find_elements(By.CSS_SELECTOR, "tbody tr")) == 100, "one page of rows in the DOM")
    pager.find_element(By.CSS_SELECTOR, "button[data-go=next]").click()
    check(f"rows 101–200 of {total:,}" in pager.text, f"pager after next: {pager.text}")
    kinds = {th.text: th.get_attribute("data-kind") for th in testid("results").find_elements(By.CSS_SELECTOR, "thead th")}
    check(kinds.get("time") == "time" and kinds.get("duration_ms") == "number" and kinds.get("artist") == "string"
          and kinds.get("liked") == "bool", f"typed columns: {kinds}")
    set_editor("SELECT time_bucket(INTERVAL '1 day', time) AS day, count(*) AS plays\nFROM plays\nGROUP BY day\nORDER BY day")
    run_and_wait()

    step("the schema browser shows columns and day partitions")
    entry = testid("schema").find_element(By.CSS_SELECTOR, "details[data-table=plays]")
    entry.find_element(By.CSS_SELECTOR, "summary .table-name").click()
    wait.until(lambda d: entry.find_elements(By.CSS_SELECTOR, ".partitions table tbody tr"))
    columns = [b.text for b in entry.find_elements(By.CSS_SELECTOR, ".columns button")]
    for c in ["time", "artist", "track", "platform", "country", "user_id", "duration_ms", "liked", "skipped"]:
        check(c in columns, f"schema lists column {c}: {columns}")
    parts = entry.find_elements(By.CSS_SELECTOR, ".partitions table tbody tr")
    check(len(parts) == len(days), f"{len(parts)} partitions shown, {len(days)} days in the table")
    shot("console.png")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    time.sleep(0.3)
    shot("console-dark.png")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})

    step("a bad query shows its error at its position")
    set_editor("SELECT count(*)\nFROM plays\nWHERE nope > 1")
    run_and_wait()
    err = testid("error")
    check(err.is_displayed(), "the error box is shown")
    check("unknown column 'nope'" in err.text, f"error text: {err.text}")
    check(err.get_attribute("data-line") == "3" and err.get_attribute("data-column") == "7",
          f"error at {err.get_attribute('data-line')}:{err.get_attribute('data-column')}")
    sel = driver.execute_script("const e = document.querySelector('[data-testid=editor]'); return [e.selectionStart, e.selectionEnd]")
    check(sel == [33, 37], f"the editor selects the bad name: {sel}")
    check("^" in err.text, "a caret points at the column")
    shot("console-error.png")
    drain_logs(expected_400=True)

    step("a selection runs alone, and its error points into the editor")
    set_editor("SELECT count(*) FROM plays;\n-- next\nSELECT nope FROM plays")
    driver.execute_script("const e = document.querySelector('[data-testid=editor]'); e.focus();"
                          "e.setSelectionRange(e.value.indexOf('SELECT nope'), e.value.length)")
    driver.execute_script("document.body.dataset.state = 'waiting'")
    testid("editor").send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "error")
    err = testid("error")
    check((err.get_attribute("data-line"), err.get_attribute("data-column")) == ("3", "8"),
          f"selection error at {err.get_attribute('data-line')}:{err.get_attribute('data-column')}")
    drain_logs(expected_400=True)

    step("history survives a reload")
    driver.refresh()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    options_text = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#history option")]
    check(any("WHERE nope > 1" in o for o in options_text), "the last query is in the history")
    drain_logs()

    # ------------------------------------------------------------------ dashboard
    step("the dashboard fills every panel, then refreshes them")
    driver.set_window_size(1366, 1150)  # three rows of panels in the screenshot
    driver.get(base + "/dashboard?refresh=2&range=30d")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    panels = driver.find_elements(By.CSS_SELECTOR, "[data-testid=panel]")
    check(len(panels) >= 9, f"{len(panels)} panels")
    wait.until(lambda d: all(p.get_attribute("data-updates") not in (None, "0") for p in panels))
    states = {p.get_attribute("data-title"): (p.get_attribute("data-state"), p.text[:200]) for p in panels}
    check(all(s == "ok" for s, _ in states.values()), f"every panel answered: {states}")
    for p in panels:
        body = p.find_element(By.CSS_SELECTOR, ".panel-body")
        check(body.find_elements(By.CSS_SELECTOR, "svg, table, .stat"), f"panel '{p.get_attribute('data-title')}' is filled")
    top = next(p for p in panels if p.get_attribute("data-title") == "Top artists")
    check(top.find_elements(By.CSS_SELECTOR, "svg rect.bar"), "top artists draws bars")
    listeners = next(p for p in panels if p.get_attribute("data-title") == "Unique listeners today")
    want = api("SELECT count(DISTINCT user_id) AS listeners FROM plays WHERE time >= date_trunc('day', now())")[0]["listeners"]
    shown = listeners.find_element(By.CSS_SELECTOR, ".stat-value").text.replace(",", "")
    check(shown == str(want), f"unique listeners today: shown {shown}, API {want}")
    first = [int(p.get_attribute("data-updates")) for p in panels]
    wait.until(lambda d: all(int(p.get_attribute("data-updates")) > f for p, f in zip(panels, first)))
    check(all(p.get_attribute("data-state") == "ok" for p in panels), "refreshed panels still answer")
    # The server runs with --query-cache-ttl: a refresh within the TTL is answered from its cache.
    check(metric("tsdb_query_cache_hits_total") > 0, "dashboard refreshes hit the result cache")
    rate = next(p for p in panels if p.get_attribute("data-title").startswith("Ingest rate"))
    wait.until(lambda d: rate.find_elements(By.CSS_SELECTOR, "svg path.line"))
    shot("dashboard.png")
    step("another range re-queries the panels")
    before = [int(p.get_attribute("data-updates")) for p in panels]
    driver.find_element(By.CSS_SELECTOR, "#ranges button[data-range=all]").click()
    wait.until(lambda d: all(int(p.get_attribute("data-updates")) > b for p, b in zip(panels, before)))
    check("range=all" in driver.current_url, driver.current_url)
    drain_logs()

    # ------------------------------------------------------------------ report
    step("the artist report shows the month of the top artist")
    top_artist = api("SELECT artist, count(*) AS plays FROM plays GROUP BY artist ORDER BY plays DESC, artist LIMIT 1")[0]["artist"]
    last = api("SELECT max(time) AS last FROM plays")[0]["last"]
    month = last[:7]
    y, m = int(month[:4]), int(month[5:])
    nxt = f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}"
    esc = top_artist.replace("'", "''")
    want = api(f"SELECT count(*) AS plays, count(DISTINCT track) AS tracks FROM plays "
               f"WHERE artist = '{esc}' AND time >= '{month}-01' AND time < '{nxt}-01'")[0]
    driver.set_window_size(1366, 1150)  # the per-track table in the screenshot
    driver.get(base + "/report")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") in ("done", "error"))
    check(driver.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "done", testid("error").text)
    plays = testid("total-plays").find_element(By.CSS_SELECTOR, ".card-value").text.replace(",", "")
    tracks = testid("total-tracks").find_element(By.CSS_SELECTOR, ".card-value").text.replace(",", "")
    check((plays, tracks) == (str(want["plays"]), str(want["tracks"])), f"report {plays}/{tracks} != API {want}")
    heads, rows = grid(testid("results"))
    check(len(rows) == min(50, want["tracks"]), f"{len(rows)} track rows for {want['tracks']} tracks")
    check(testid("chart").find_elements(By.CSS_SELECTOR, "svg rect.bar"), "daily plays chart")
    check(testid("platform-table").find_elements(By.CSS_SELECTOR, "tbody tr"), "per-platform table")
    testid("tracks-csv").click()
    csv_text = downloaded(f"artist-report-{month}.csv")
    check(csv_text.splitlines()[0] == "artist,track,plays,listeners,skips,likes,avg_duration_ms", csv_text[:200])
    check(len(csv_text.splitlines()) == want["tracks"] + 1, f"{len(csv_text.splitlines()) - 1} CSV rows for {want['tracks']} tracks")
    shot("report.png")
    drain_logs()

    # ------------------------------------------------------------------ origin and console
    step("no console errors, no request beyond 127.0.0.1")
    check(not console_errors, f"browser console errors: {console_errors}")
    outside = [u for u in requests_seen if not (u.startswith(base + "/") or u.startswith("data:") or u.startswith("blob:"))]
    check(requests_seen, "the performance log saw the requests")
    check(not outside, f"requests left the origin: {outside}")
    with urllib.request.urlopen(base + "/") as r:
        csp = r.headers.get("Content-Security-Policy", "")
        check("default-src 'self'" in csp, f"CSP: {csp}")
    print(f"{len(requests_seen)} requests, all to {base}")
    print("ok")
finally:
    driver.quit()
