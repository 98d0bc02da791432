/* 隐患统计 charts (hazards/dashboard.html), from json_script data. */
(function () {
  const regions = JSON.parse(document.getElementById("by-region-data").textContent);
  const chart = echarts.init(document.getElementById("by-region"));
  chart.setOption({tooltip: {trigger: "axis"}, legend: {data: ["一般事故隐患", "重大事故隐患"]}, grid: {left: 40, right: 10, bottom: 70},
    xAxis: {type: "category", data: regions.map(r => r.region), axisLabel: {rotate: 45}}, yAxis: {type: "value", minInterval: 1},
    series: [{name: "一般事故隐患", type: "bar", stack: "n", data: regions.map(r => r.general), itemStyle: {color: "#f7ba1e"}},
             {name: "重大事故隐患", type: "bar", stack: "n", data: regions.map(r => r.major), itemStyle: {color: "#d9001b"}}]});
  const states = JSON.parse(document.getElementById("by-state-data").textContent);
  const pie = echarts.init(document.getElementById("by-state"));
  pie.setOption({tooltip: {}, grid: {left: 100, right: 20, top: 5, bottom: 5}, xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", inverse: true, data: states.map(s => s[0])}, series: [{type: "bar", data: states.map(s => s[1]), itemStyle: {color: "#1677ff"}}]});
  window.addEventListener("resize", () => { chart.resize(); pie.resize(); });
})();
