  // The shared timeline: buttons, slider, counter, speed and keys for any
  // player whose frames are drawn by show(k). Each player's page includes this
  // text inside its own closure, so two players on one page never share state.
  function agmTimeline(root, count, show, baseMs) {
    var q = function (sel) { return root.querySelector(sel); };
    var slider = q(".agm-slider"), counter = q(".agm-counter");
    var play = q(".agm-play"), speed = q(".agm-speed");
    var index = 0, timer = null;
    slider.max = String(Math.max(0, count - 1));
    function go(k) {
      index = Math.max(0, Math.min(count - 1, k));
      slider.value = String(index);
      counter.textContent = (index + 1) + " / " + count;
      root.setAttribute("data-frame", String(index));
      show(index);
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      play.textContent = "\u25B6 play";
      root.removeAttribute("data-playing");
    }
    function start() {
      if (index >= count - 1) { go(0); }
      stop();
      play.textContent = "\u275A\u275A pause";
      root.setAttribute("data-playing", "1");
      timer = setInterval(function () {
        if (index >= count - 1) { stop(); return; }
        go(index + 1);
      }, baseMs / parseFloat(speed.value));
    }
    play.addEventListener("click", function () { if (timer === null) { start(); } else { stop(); } });
    q(".agm-forward").addEventListener("click", function () { stop(); go(index + 1); });
    q(".agm-back").addEventListener("click", function () { stop(); go(index - 1); });
    q(".agm-first").addEventListener("click", function () { stop(); go(0); });
    q(".agm-last").addEventListener("click", function () { stop(); go(count - 1); });
    slider.addEventListener("input", function () { stop(); go(parseInt(slider.value, 10)); });
    speed.addEventListener("change", function () { if (timer !== null) { start(); } });
    root.tabIndex = 0;
    var keys = {ArrowRight: 1, ArrowLeft: -1};
    function key(event) {
      if (event.key in keys) { stop(); go(index + keys[event.key]); }
      else if (event.key === " ") { play.click(); }
      else if (event.key === "Home") { stop(); go(0); }
      else if (event.key === "End") { stop(); go(count - 1); }
      else { return false; }
      event.preventDefault();
      return true;
    }
    return {go: go, stop: stop, key: key, index: function () { return index; }};
  }
