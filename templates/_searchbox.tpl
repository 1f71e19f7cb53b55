<div class="searchbox" role="search">
  <label for="q" class="label">Search examples</label>
  <div class="searchbox-row">
    <input type="search" id="q" name="q" value="{{q}}" maxlength="500" autocomplete="off">
    <button type="submit">Search</button>
  </div>
  <p class="searchbox-help"><a href="/about#how-to-search">How to search</a></p>
</div>
