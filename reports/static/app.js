/* Draws each chart from the JSON block beside its canvas; the same figures are in the tables. */
(function () {
  "use strict";
  var palette = ["#2b6cb0", "#dd6b20", "#38a169", "#c53030", "#805ad5", "#718096"];
  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("script.chart-data").forEach(function (block) {
      var canvas = document.getElementById(block.dataset.for);
      if (!canvas || window.Chart.getChart(canvas)) { return; }
      var spec = JSON.parse(block.textContent);
      spec.datasets.forEach(function (set, i) {
        set.backgroundColor = palette[i % palette.length];
        set.borderColor = palette[i % palette.length];
        set.tension = 0.2;
      });
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          scales: { y: { beginAtZero: true } }
        }
      });
      canvas.dataset.drawn = "1";
    });
    var picker = document.querySelector("form.picker select[name=preset]");
    if (picker) {
      picker.addEventListener("change", function () {
        var custom = picker.value === "custom";
        document.querySelectorAll("form.picker input[type=date]").forEach(function (el) {
          el.disabled = !custom;
        });
      });
      picker.dispatchEvent(new Event("change"));
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
