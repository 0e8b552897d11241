// The page's own script, inlined into report.html: plain ES5-ish JS for any browser (no build step).
(function () {
  'use strict';

  // Sortable tables: click a header; again to reverse. Empty keys sort last either way.
  function sortTable(table, th) {
    var col = Number(th.getAttribute('data-col'));
    var numeric = th.getAttribute('data-type') === 'number';
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var heads = table.querySelectorAll('thead th');
    for (var i = 0; i < heads.length; i++) heads[i].setAttribute('aria-sort', 'none');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r._order = i; });
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-sort');
      var y = b.cells[col].getAttribute('data-sort');
      if (x === '' && y === '') return a._order - b._order;
      if (x === '') return 1;
      if (y === '') return -1;
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
      return c !== 0 ? c * dir : a._order - b._order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll('thead th'), function (th) {
      th.tabIndex = 0;
      th.addEventListener('click', function () { sortTable(table, th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortTable(table, th); }
      });
    });
  });

  var report = JSON.parse(document.getElementById('report-data').textContent);

  function fail(message) {
    Array.prototype.forEach.call(document.querySelectorAll('.canvas-box'), function (box) {
      var p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = message;
      box.replaceChildren(p);
    });
  }
  if (typeof Chart === 'undefined' || typeof ChartBoxPlot === 'undefined') {
    fail('The chart library did not load: charts are not shown.');
    return;
  }

  var goVersions = {};
  report.scenarios.forEach(function (s) { s.cells.forEach(function (c) { goVersions[c.goVersion] = true; }); });
  var multiGo = Object.keys(goVersions).length > 1;
  function label(c) { return multiGo ? c.mitigation + ' · ' + c.goVersion : c.mitigation; }
  function labelLines(c) {
    var lines = [c.mitigation];
    if (multiGo) lines.push(c.goVersion);
    if (c.durationsMs.length === 0) lines.push('(no ok trial)');
    return lines;
  }
  function ms(v) { return v >= 10000 ? (v / 1000).toFixed(1) + ' s' : v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms'; }

  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  var FAILURE_PALETTE = ['#c62828', '#ef6c00', '#f9a825', '#6a1b9a', '#ad1457', '#4e342e', '#283593', '#00838f', '#558b2f', '#757575'];
  function color(i) { return PALETTE[i % PALETTE.length]; }
  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1d232a';

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    try {
      new Chart(canvas, config);
    } catch (e) {
      var p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = 'This chart could not be drawn: ' + (e && e.message ? e.message : e);
      canvas.parentNode.replaceChildren(p);
      throw e;
    }
  }

  report.scenarios.forEach(function (s, si) {
    var cells = s.cells;

    make('box-' + si, {
      type: 'boxplot',
      data: {
        labels: cells.map(labelLines),
        datasets: [{
          label: 'time (ms)',
          data: cells.map(function (c) { return c.durationsMs.slice(); }),
          backgroundColor: cells.map(function (c, i) { return alpha(color(i), 0.25); }),
          borderColor: cells.map(function (c, i) { return color(i); }),
          borderWidth: 1.5,
          medianColor: cells.map(function (c, i) { return color(i); }),
          itemRadius: 2.5,
          itemStyle: 'circle',
          itemBackgroundColor: 'rgba(29,35,42,0.55)',
          itemBorderWidth: 0,
          outlierRadius: 3.5,
          outlierBackgroundColor: cells.map(function (c, i) { return color(i); }),
          meanRadius: 0,
          maxBarThickness: 70,
        }],
      },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? label(cells[items[0].dataIndex]) : ''; },
            },
          },
        },
        scales: {
          y: { beginAtZero: true, title: { display: true, text: 'time (ms)' } },
          x: { ticks: { autoSkip: false } },
        },
      },
    });

    var ecdf = [];
    cells.forEach(function (c, i) {
      if (c.durationsMs.length === 0) return;
      var sorted = c.durationsMs.slice().sort(function (a, b) { return a - b; });
      var points = [{ x: sorted[0], y: 0 }];
      // share of ALL trials of the cell done by time t: failures and timeouts never arrive, so a
      // failure-heavy cell levels off at its success rate instead of looking complete
      sorted.forEach(function (t, k) { points.push({ x: t, y: (k + 1) / c.n }); });
      ecdf.push({
        label: label(c) + ' (' + sorted.length + '/' + c.n + ' ok)',
        data: points,
        stepped: true,
        borderColor: color(i),
        backgroundColor: color(i),
        borderWidth: 2,
        pointRadius: 0,
        pointHitRadius: 6,
        fill: false,
      });
    });
    make('ecdf-' + si, {
      type: 'line',
      data: { datasets: ecdf },
      options: {
        parsing: false,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 2 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ': ' + Math.round(item.parsed.y * 100) + ' % within ' + ms(item.parsed.x);
              },
            },
          },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'time (ms)' } },
          y: { min: 0, max: 1, title: { display: true, text: 'share of all trials' },
               ticks: { callback: function (v) { return Math.round(v * 100) + ' %'; } } },
        },
      },
    });

    var totals = {};
    cells.forEach(function (c) {
      Object.keys(c.failureClasses).forEach(function (k) { totals[k] = (totals[k] || 0) + c.failureClasses[k]; });
    });
    var classes = Object.keys(totals).filter(function (k) { return totals[k] > 0; })
      .sort(function (a, b) { return totals[b] - totals[a] || (a < b ? -1 : 1); });
    if (classes.length) {
      make('failures-' + si, {
        type: 'bar',
        data: {
          labels: cells.map(function (c) { return multiGo ? [c.mitigation, c.goVersion] : c.mitigation; }),
          datasets: classes.map(function (k, j) {
            return {
              label: k,
              data: cells.map(function (c) { return c.failureClasses[k] || 0; }),
              backgroundColor: FAILURE_PALETTE[j % FAILURE_PALETTE.length],
              maxBarThickness: 70,
            };
          }),
        },
        options: {
          plugins: {
            legend: { position: 'bottom', labels: { boxWidth: 14 } },
            tooltip: {
              callbacks: {
                footer: function (items) {
                  var c = items.length ? cells[items[0].dataIndex] : null;
                  return c ? c.fail + c.timeout + ' of ' + c.n + ' trials failed' : '';
                },
              },
            },
          },
          scales: {
            x: { stacked: true, ticks: { autoSkip: false } },
            y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'trials' } },
          },
        },
      });
    }
  });
})();
