/* A sensor's live curve (monitoring/chart.html): readings and alarm thresholds, refreshed every 5 s. */
(function () {
  const box = document.getElementById("chart");
  const chart = echarts.init(box);
  let minutes = 60;
  const COLORS = ["#0dcaf0", "#ffc107", "#fd7e14", "#d9001b"];
  async function load() {
    const res = await fetch(`${box.dataset.series}?minutes=${minutes}`, {credentials: "same-origin"});
    if (!res.ok) return;
    const d = await res.json();
    const lines = d.thresholds.map((v, i) => ({yAxis: v, name: `${i + 1}级`, lineStyle: {color: COLORS[i], type: "dashed"},
                                               label: {formatter: `${i + 1}级 ${v}`}}));
    const series = [{name: d.resolution === "raw" ? "读数" : "均值", type: "line", showSymbol: false,
                     data: d.points.map(p => [p[0], p[1]]), markLine: {symbol: "none", data: lines}}];
    if (d.resolution !== "raw") {
      series.push({name: "最大", type: "line", showSymbol: false, lineStyle: {opacity: 0.4}, data: d.points.map(p => [p[0], p[3]])});
      series.push({name: "最小", type: "line", showSymbol: false, lineStyle: {opacity: 0.4}, data: d.points.map(p => [p[0], p[2]])});
    }
    chart.setOption({tooltip: {trigger: "axis"}, legend: {}, grid: {left: 50, right: 60, bottom: 30},
      xAxis: {type: "time"}, yAxis: {type: "value", name: d.unit, scale: true}, series: series}, true);
  }
  document.querySelectorAll("[data-minutes]").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll("[data-minutes]").forEach((x) => x.classList.remove("active"));
    b.classList.add("active"); minutes = +b.dataset.minutes; load();
  }));
  load();
  setInterval(load, 5000);
  window.addEventListener("resize", () => chart.resize());
})();
