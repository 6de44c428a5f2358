// verbatim serve: the page's only script, served from /assets/app.js (the Content-Security-Policy
// allows no inline script). It never writes markup: data reaches the page as server-escaped HTML,
// and this script only moves existing elements, sets classes and sets textContent.
'use strict';

(function () {
  // A recording's page: play from ?t=<ms>, follow playback, play from a clicked time.
  function followTranscript(player) {
    var segments = Array.prototype.slice.call(document.querySelectorAll('.transcript .segment'));
    var starts = segments.map(function (li) { return Number(li.dataset.startMs); });
    var current = null;
    var note = document.getElementById('player-note');

    // The last segment that has started by `ms` (segments are in time order).
    function segmentAt(ms) {
      var low = 0, high = starts.length - 1, found = -1;
      while (low <= high) {
        var mid = (low + high) >> 1;
        if (starts[mid] <= ms) { found = mid; low = mid + 1; } else { high = mid - 1; }
      }
      return found < 0 ? null : segments[found];
    }

    function mark(ms, scroll) {
      var segment = segmentAt(ms);
      if (segment === current) { return; }
      if (current) { current.classList.remove('current'); current.removeAttribute('aria-current'); }
      current = segment;
      if (segment) {
        segment.classList.add('current');
        segment.setAttribute('aria-current', 'true');
        if (scroll) { segment.scrollIntoView({ block: 'nearest' }); }
      }
    }

    function playFrom(ms) {
      mark(ms, true);
      if (player.readyState < HTMLMediaElement.HAVE_METADATA) {
        // Not every browser keeps a position set before it knows the duration.
        // (preload="metadata" fetches it.)
        player.addEventListener('loadedmetadata', function () { playFrom(ms); }, { once: true });
        return;
      }
      player.currentTime = ms / 1000;
      var playing = player.play();
      if (playing && playing.catch) {
        playing.catch(function () {
          if (note) {
            note.textContent = 'The browser did not start the audio by itself: press play.';
            note.hidden = false;
          }
        });
      }
    }

    player.addEventListener('timeupdate', function () {
      mark(player.currentTime * 1000, !player.paused);
    });
    player.addEventListener('seeked', function () { mark(player.currentTime * 1000, true); });

    segments.forEach(function (li) {
      var link = li.querySelector('a.time');
      if (!link) { return; }
      link.addEventListener('click', function (event) {
        event.preventDefault();
        var ms = Number(li.dataset.startMs);
        history.replaceState(null, '', '?t=' + ms + '#' + li.id);
        playFrom(ms);
      });
    });

    var start = new URLSearchParams(location.search).get('t');
    if (start !== null && /^\d{1,12}$/.test(start)) {
      playFrom(Number(start));
    }
  }

  // Tables whose header buttons sort their rows (by a cell's data-sort, else its text).
  function sortable(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll('thead th'));
    headers.forEach(function (th, column) {
      var button = th.querySelector('button');
      if (!button) { return; }
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[column];
          return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
        };
        var keyed = rows.map(function (row, i) { return { row: row, key: key(row), i: i }; });
        keyed.sort(function (a, b) {
          var order = a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: 'base' });
          return (ascending ? order : -order) || a.i - b.i;
        });
        keyed.forEach(function (entry) { body.appendChild(entry.row); });
      });
    });
  }

  var player = document.getElementById('player');
  if (player) { followTranscript(player); }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), sortable);
})();
