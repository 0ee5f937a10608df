/* fogbank console: live updates of the page's #live part, uPlot charts, and the test invoke. No network
   access beyond the console's own origin. */
(function () {
  "use strict";
  var base = document.body.dataset.base;
  var live = document.getElementById("live");
  var dot = document.getElementById("live-dot");
  var charts = [];

  function fragmentUrl() {
    var url = new URL(window.location.href);
    url.searchParams.set("fragment", "1");
    return url.toString();
  }

  function openKeys() {
    var keys = {};
    live.querySelectorAll("details[open]").forEach(function (d, i) {
      keys[d.dataset.key || d.closest("[data-request-id]") && d.closest("[data-request-id]").dataset.requestId + d.className || i] = true;
    });
    return keys;
  }

  function restoreOpen(keys) {
    live.querySelectorAll("details").forEach(function (d, i) {
      var holder = d.closest("[data-request-id]");
      var key = d.dataset.key || holder && holder.dataset.requestId + d.className || i;
      if (keys[key]) { d.open = true; }
    });
  }

  var last = null;
  var ticks = 0;
  function refresh() {
    if (document.hidden) { return; }
    ticks += 1;
    fetch(fragmentUrl(), { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (html) {
      dot.classList.remove("paused");
      if (last === null) { last = live.innerHTML; }
      if (html === last) {
        if (ticks % 5 === 0) { drawCharts(); }  /* new datapoints for the same metrics */
        return;
      }
      last = html;
      var keys = openKeys();
      live.innerHTML = html;
      restoreOpen(keys);
      drawCharts();
    }).catch(function () { dot.classList.add("paused"); });
  }

  function chartWidth(el) { return Math.max(300, el.clientWidth - 34); }

  function plot(el, xs, ys, label, range, bars) {
    var series = { label: label, stroke: "#3657c9", width: 2, fill: "rgba(54,87,201,.10)", points: { show: true, size: 7 } };
    if (bars) {
      series = { label: label, stroke: "#3657c9", width: 1, fill: "rgba(54,87,201,.55)", points: { show: false },
                 paths: uPlot.paths.bars({ size: [0.8, 18] }) };
    }
    var opts = {
      width: chartWidth(el), height: 170,
      scales: { x: { time: true, range: range || null }, y: { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.15 : 1]; } } },
      series: [{}, series],
      axes: [{ stroke: "#667085" }, { stroke: "#667085", size: 60 }],
      legend: { show: true }
    };
    var holder = document.createElement("div");
    el.appendChild(holder);
    charts.push(new uPlot(opts, [xs, ys], holder));
  }

  function drawCharts() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    document.querySelectorAll(".series-chart").forEach(function (el) {
      var points = JSON.parse(el.dataset.series || "[]");
      if (!points.length) { el.innerHTML = '<div class="empty">no invocations yet</div>'; return; }
      var xs = points.map(function (p) { return p.t; });
      var pad = Math.max(1, (xs[xs.length - 1] - xs[0]) * 0.05);
      plot(el, xs, points.map(function (p) { return p.ms; }), "ms", [xs[0] - pad, xs[xs.length - 1] + pad]);
    });
    document.querySelectorAll(".metric-chart").forEach(function (el) {
      var url = base + "/api/metric?stat=Sum&minutes=" + (el.dataset.minutes || 60) + "&metric=" + encodeURIComponent(el.dataset.metric);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        el.querySelectorAll(".uplot, .empty").forEach(function (n) { n.remove(); });
        if (data.error) { el.insertAdjacentHTML("beforeend", '<div class="note"></div>'); el.lastChild.textContent = data.error; return; }
        if (!data.timestamps.length) { el.insertAdjacentHTML("beforeend", '<div class="empty">no datapoints in this window</div>'); return; }
        plot(el, data.timestamps, data.values, "Sum per " + data.period + " s", [data.from, data.to], true);
        el.dataset.drawn = "1";
      });
    });
  }

  var invokeButton = document.getElementById("invoke-button");
  if (invokeButton) {
    invokeButton.addEventListener("click", function () {
      var status = document.getElementById("invoke-status");
      var result = document.getElementById("invoke-result");
      var payload = document.getElementById("invoke-payload").value;
      try { JSON.parse(payload); } catch (e) { status.textContent = "the payload is not JSON: " + e.message; return; }
      status.textContent = "invoking…";
      invokeButton.disabled = true;
      fetch(invokeButton.dataset.url, {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: payload
      }).then(function (r) { return r.json(); }).then(function (data) {
        result.hidden = false;
        if (data.error) { status.textContent = "failed"; result.textContent = data.error; return; }
        status.textContent = (data.function_error ? "function error (" + data.function_error + ")" : "status " + data.status) + " · request " + data.request_id;
        var text = data.payload;
        try { text = JSON.stringify(JSON.parse(data.payload), null, 2); } catch (e) { /* not JSON: as it is */ }
        result.textContent = text;
        refresh();
      }).catch(function (e) { status.textContent = "failed: " + e; }).finally(function () { invokeButton.disabled = false; });
    });
  }

  drawCharts();
  setInterval(refresh, 2000);
})();
