package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** Page checks shared by the browser tests of the embedded UI and of a real server's UI. */
final class UiPages {
  static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

  private final CdpBrowser browser;
  private final String base;
  private final Path screenshots;

  UiPages(CdpBrowser browser, String base, Path screenshots) {
    this.browser = browser;
    this.base = base;
    this.screenshots = screenshots;
  }

  /** Chromium and, for the embedded UI, its built assets: else skipped locally, failed when CI=true. */
  static void require(boolean condition, String message) {
    if (condition) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message + " (skipped locally; fails when CI=true)");
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The path of a run's page, e.g. {@code /namespaces/default/workflows/job%2Fprocess/RUN/pending-activities}. */
  static String runPage(String workflowId, String runId, String tab) {
    return "/namespaces/default/workflows/" + encode(workflowId) + "/" + runId + "/" + tab;
  }

  void open(String path) {
    browser.navigate(base + path);
  }

  void waitFor(String description, String jsCondition) throws Exception {
    browser.waitFor(description, jsCondition, PAGE_TIMEOUT, screenshots);
  }

  void waitForText(String description, String... texts) throws Exception {
    browser.waitForText(description, PAGE_TIMEOUT, screenshots, texts);
  }

  void screenshot(String name) throws Exception {
    browser.screenshot(screenshots.resolve(name));
  }

  String text() {
    return browser.text();
  }

  /** Fails on any console error, uncaught exception, failed request or toast seen on the page. */
  void assertNoErrors(String page) {
    List<String> errors = browser.takeErrors();
    assertEquals(List.of(), errors, "errors on " + page);
    assertEquals(List.of(), browser.toasts(), "toasts on " + page);
  }

  /** The count the UI shows on a run's tab, e.g. {@code Relationships 4}; waits until it shows one. */
  int tabCount(String tab) throws Exception {
    // Tab names are plain words: no regular-expression characters to escape.
    waitFor(tab + " count", "/" + tab + "\\s+[0-9]+/.test(document.body.innerText)");
    Matcher m = Pattern.compile(Pattern.quote(tab) + "\\s+(\\d+)").matcher(text());
    assertTrue(m.find(), tab + " count on the page");
    return Integer.parseInt(m.group(1));
  }

  /** Waits until the tab shows {@code expected}, then checks it (a wrong count fails with both numbers). */
  void assertTabCount(String tab, int expected) throws Exception {
    long deadline = System.nanoTime() + PAGE_TIMEOUT.toNanos();
    int shown = tabCount(tab);
    while (shown != expected && System.nanoTime() < deadline) {
      Thread.sleep(250);
      shown = tabCount(tab);
    }
    assertEquals(expected, shown, tab + " count");
  }

  /** Runs the {@code progress} query on the Queries page and returns the page text with its result. */
  String runProgressQuery() throws Exception {
    waitFor("query form", "document.querySelector('[data-testid=\"query-select\"]')");
    browser.evaluate(
        "(() => { const s = document.querySelector('[data-testid=\"query-select\"]');"
            + " if (s && s.value !== 'progress') { const b = document.querySelector('[data-testid=\"query-select-button\"]');"
            + " if (b) b.click(); const o = [...document.querySelectorAll('li')].find(l => l.innerText.trim() === 'progress');"
            + " if (o) o.click(); } })()");
    waitFor("progress query selected", "document.querySelector('[data-testid=\"query-select\"]').value === 'progress'"
        + " || document.body.innerText.includes('progress')");
    browser.evaluate(
        "(() => { const b = [...document.querySelectorAll('button')].find(b => /Run Query|Refresh/i.test(b.innerText));"
            + " if (b) b.click(); return !!b; })()");
    waitFor("progress query result", "document.body.innerText.includes('chunksTotal')");
    return text();
  }

  /** Checks that the page shows the progress fields the query answers. */
  static void assertShowsProgress(String page, dev.ballast.api.model.JobProgress progress) {
    for (String field :
        List.of(
            "\"jobId\": \"" + progress.jobId() + "\"",
            "\"stage\": \"" + progress.stage() + "\"",
            "\"chunksDone\": " + progress.chunksDone(),
            "\"chunksTotal\": " + progress.chunksTotal())) {
      assertTrue(page.contains(field), "the progress query result shows " + field + ":\n" + page);
    }
  }

  /** Checks that the page shows every pending chunk's heartbeat checkpoint. */
  static void assertShowsCheckpoints(String page, List<JsonObject> checkpoints) {
    assertTrue(!checkpoints.isEmpty(), "chunks pending");
    for (JsonObject c : checkpoints) {
      for (String field : List.of("offset", "line")) {
        String shown = "\"" + field + "\": " + c.get(field).getAsLong();
        assertTrue(page.contains(shown), "the pending chunk's heartbeat checkpoint shows " + shown + ":\n" + page);
      }
    }
  }

  /** Waits until an iframe of the page (summaries and details are rendered in them) shows {@code text}. */
  void assertIframeShows(String description, String text) throws Exception {
    long deadline = System.nanoTime() + PAGE_TIMEOUT.toNanos();
    List<String> texts = browser.iframeTexts();
    while (texts.stream().noneMatch(t -> t.equals(text)) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      texts = browser.iframeTexts();
    }
    assertTrue(texts.stream().anyMatch(t -> t.equals(text)), description + ": expected '" + text + "' in " + texts);
  }
}
