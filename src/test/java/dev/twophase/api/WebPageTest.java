package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.twophase.platform.security.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in a real browser: Debian's chromium, headless, driven through chromium-driver
 * (.ci/run installs both when they are missing). Each test starts its own browser with a fresh profile.
 */
@QuarkusTest
class WebPageTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "web-page-test");
    /** Long enough to still be training when the test cancels it. */
    private static final long LONG_RUN_STEPS = 200_000;

    @TestHTTPResource("/")
    URL page;

    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws IOException {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("needs Debian's browser and driver: apt-get install -y chromium chromium-driver").isTrue();
        profile = Files.createTempDirectory("twophase-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1800", "--user-data-dir=" + profile);
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void stopBrowser(TestInfo test) throws IOException {
        if (browser != null) {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.quit();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void listThenRunPageFollowsTheRunLiveShowsEventsAndCancels() {
        String name = "ui-live-" + System.nanoTime();
        String runId = submit(name, LONG_RUN_STEPS, 25, "[\"ui\", \"live\"]");
        try {
            signIn(TestTokens.SUBMITTER);

            // the list, searched by name and by tag
            find(By.id("search-name")).sendKeys(name);
            find(By.id("search-go")).click();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(texts("#experiments tbody tr")).singleElement().asString()
                            .contains(name, "ui", "live"));
            find(By.linkText(name)).click();

            // the experiment page, then its run
            await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.cssSelector("#runs tbody tr a")).isEmpty());
            find(By.cssSelector("#runs tbody tr a")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("#/runs/" + runId));

            // live progress without reloading: the step grows while the page is open
            await().atMost(Duration.ofMinutes(2)).until(() -> "running".equals(find(By.id("run-state")).getText()));
            AtomicLong firstStep = new AtomicLong(step());
            await().atMost(Duration.ofMinutes(1)).until(() -> step() > firstStep.get());
            assertThat(find(By.id("run-progress")).getAttribute("data-progress")).isNotBlank();
            await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) ((JavascriptExecutor) browser).executeScript(
                    "return document.getElementById('plot').naturalWidth;")).longValue() > 0);

            // the events the detector confirms while the run trains, and the series with their CSV links
            await().atMost(Duration.ofMinutes(3)).until(() ->
                    !browser.findElements(By.cssSelector("#events tr[data-kind='fitting_end']")).isEmpty());
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
                    assertThat(browser.findElement(By.cssSelector("#events tr[data-kind='fitting_end']")).getAttribute("data-status"))
                            .isEqualTo("live"));
            assertThat(texts("#series tbody tr")).anySatisfy(row -> assertThat(row).contains("train_acc", "CSV"));

            find(By.id("cancel-run")).click();
            browser.switchTo().alert().accept();
            await().atMost(Duration.ofSeconds(30)).until(() -> "cancelled".equals(find(By.id("run-state")).getText()));
            await().atMost(Duration.ofSeconds(10)).until(() -> !find(By.id("cancel-run")).isDisplayed());
        } finally {
            cancelQuietly(runId);
        }
    }

    @Test
    void submitShowsEachErrorAtItsPathThenAValidSpecTrains() {
        signIn(TestTokens.SUBMITTER);
        find(By.id("nav-submit")).click();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                find(By.id("spec-editor")).getAttribute("value").contains("two-phases-add-mod-31"));
        assertThat(texts("#example option")).contains("two-phases-add-mod-31", "sweep-add-mod-23");

        setEditor(Specs.tiny("ui-bad", 60, 20).replace("\"modulus\": 7", "\"modulus\": 1")
                .replace("{\"name\": \"ui-bad\",", "{\"name\": \"ui-bad\", \"tags\": [\"fine\", \"\"],"));
        find(By.id("submit-spec")).click();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !browser.findElements(By.cssSelector("#spec-errors li")).isEmpty());
        WebElement modulus = find(By.cssSelector("#spec-errors li[data-path='$.task.modulus']"));
        assertThat(modulus.getText()).contains("$.task.modulus", "line 2", "between 2 and");
        assertThat(find(By.cssSelector("#spec-errors li[data-path='$.tags[1]']")).getText()).contains("must not be blank");
        modulus.findElement(By.tagName("button")).click();
        assertThat(((JavascriptExecutor) browser).executeScript(
                "const e = document.getElementById('spec-editor'); return e.value.slice(e.selectionStart, e.selectionEnd);"))
                .isEqualTo("\"modulus\": 1");

        String name = "ui-good-" + System.nanoTime();
        setEditor(Specs.tiny(name, 60, 20));
        find(By.id("submit-spec")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().contains("#/runs/"));
        await().atMost(Duration.ofMinutes(3)).until(() -> "succeeded".equals(find(By.id("run-state")).getText()));
    }

    @Test
    void aReaderSeesNoWriteControls() {
        String runId = submit("ui-reader-" + System.nanoTime(), LONG_RUN_STEPS, 100, "[]");
        try {
            signIn(TestTokens.READER);
            assertThat(find(By.id("session-role")).getText()).contains("reader");
            assertThat(find(By.id("nav-submit")).isDisplayed()).isFalse();
            browser.get(page + "#/runs/" + runId);
            await().atMost(Duration.ofSeconds(20)).until(() -> List.of("queued", "running")
                    .contains(find(By.id("run-state")).getText()));
            assertThat(find(By.id("cancel-run")).isDisplayed()).isFalse();
            browser.get(page + "#/submit");
            await().atMost(Duration.ofSeconds(10)).until(() -> find(By.id("view")).getText().contains("reader"));
            assertThat(browser.findElements(By.id("submit-spec"))).isEmpty();
        } finally {
            cancelQuietly(runId);
        }
    }

    private String submit(String name, long steps, int every, String tags) {
        String spec = Specs.tiny(name, steps, every).replace("{\"name\": \"" + name + "\",",
                "{\"name\": \"" + name + "\", \"tags\": " + tags + ",");
        return given().contentType(ContentType.JSON).body(spec).post("/api/v1/experiments")
                .then().statusCode(201).extract().path("runs[0].id");
    }

    private static void cancelQuietly(String runId) {
        given().post("/api/v1/runs/" + runId + "/cancel");
    }

    private void signIn(String token) {
        browser.get(page.toString());
        find(By.id("token-input")).sendKeys(token);
        find(By.id("token-save")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !find(By.id("session-role")).getText().isEmpty());
    }

    private void setEditor(String text) {
        ((JavascriptExecutor) browser).executeScript("document.getElementById('spec-editor').value = arguments[0];", text);
    }

    private long step() {
        String step = find(By.id("run-step")).getAttribute("data-step");
        return step == null || step.isEmpty() ? -1 : Long.parseLong(step);
    }

    private WebElement find(By by) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> browser.findElement(by) != null);
        return browser.findElement(by);
    }

    /**
     * The texts of every match, read in one script: the run page redraws its tables while the run trains,
     * so elements found first and read one by one can go stale in between.
     */
    @SuppressWarnings("unchecked")
    private List<String> texts(String selector) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText);", selector);
    }
}
