/* 灾情报送率 page: the 灾情 map by township (map.js, the region layer coloured by the chosen indicator
   of the page's selection); options from the json_script block in disasters/rates.html. */
(function () {
  const options = JSON.parse(document.getElementById("rates-map-options").textContent);
  window.yingjiSituationMap("rates-map", options);
})();
