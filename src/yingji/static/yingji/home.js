/* 首页: the region map (map.js) and the industry chart; data from json_script blocks in home.html. */
(function () {
  const json = id => JSON.parse(document.getElementById(id).textContent);
  window.yingjiSituationMap("home-map", {attribute: "population", level: json("map-level"), points: true});
  const data = json("industries");
  const box = document.getElementById("industry-chart");
  if (!data.length) { window.yj.fill(box, window.yj.el("p", {class: "text-muted small p-3"}, "暂无企业数据")); return; }
  const chart = echarts.init(box);
  chart.setOption({grid: {left: 130, right: 20, top: 10, bottom: 20}, tooltip: {},
    xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", inverse: true, data: data.map(d => d[0]),
    axisLabel: {width: 120, overflow: "truncate"}}, series: [{type: "bar", data: data.map(d => d[1]), itemStyle: {color: "#1677ff"}}]});
  window.addEventListener("resize", () => chart.resize());
})();
