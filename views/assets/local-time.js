// Shows each <time datetime> in the visitor's own zone; without this script the pages read UTC, which stays right.
/* global document */
(function () {
  var full = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  var short = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  var zone = { timeZoneName: 'short' };
  function format(date, options) {
    return new Intl.DateTimeFormat(undefined, Object.assign({}, options, zone)).format(date);
  }
  var times = document.querySelectorAll('time[datetime]');
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var date = new Date(el.getAttribute('datetime'));
    // Where local time is UTC the page already says it, and the text stays as it is.
    if (isNaN(date.getTime()) || date.getTimezoneOffset() === 0) continue;
    var text = el.textContent.trim();
    // Only texts that are a UTC clock time are rewritten; relative ages ("5 min ago") keep their words.
    if (/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/.test(text)) {
      el.title = text;
      el.textContent = format(date, full);
    } else if (/^\d{2}:\d{2} UTC$/.test(text)) {
      el.title = text;
      el.textContent = format(date, short);
    } else if (!/^\d{1,2} \w{3} \d{4}$/.test(text)) {
      el.title = format(date, full);
    }
    el.classList.add('local');
  }
})();
