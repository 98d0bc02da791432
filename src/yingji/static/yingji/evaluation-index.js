/* 综合指数 page: the townships coloured by the index of the chosen year (map.js, the region layer's
   "evaluation-index" attribute); options from the json_script block in evaluation/index.html. */
(function () {
  const options = JSON.parse(document.getElementById("index-map-options").textContent);
  window.yingjiSituationMap("index-map", options);
})();
