//! [`Chromium`]: Debian's headless Chromium, driven through a private `chromedriver` over WebDriver.
//!
//! `chromedriver` listens on a free port of the loopback interface and starts the browser with a fresh profile in a
//! temporary directory; both are killed when the value is dropped, whether the test passed or panicked.
//! The binaries are `/usr/bin/chromium` and `/usr/bin/chromedriver` unless the environment variables
//! `CHROMIUM` and `CHROMEDRIVER` name others. When either is missing, [`Chromium::start`] says why and
//! returns `None`, so the test skips; with `CI` set it panics instead, so CI never passes by skipping.

use std::{
    io::{BufRead, BufReader},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc::{self, RecvTimeoutError},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long `chromedriver` may take to listen, and the browser to start.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Without the networking switches Chromium reaches out to update and sync services at start-up, and
/// waits on them where the network is closed; the window size makes screenshots the same everywhere.
const ARGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
];

/// A headless Chromium of this test's own and the WebDriver client that drives it; killed on drop.
pub struct Chromium {
    client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Chromium {
    /// Starts `chromedriver` and a browser, or returns `None` (with the reason printed) when one of them
    /// is not installed and `CI` is unset.
    pub async fn start() -> Option<Self> {
        let chromium = binary("CHROMIUM", "/usr/bin/chromium")?;
        let chromedriver = binary("CHROMEDRIVER", "/usr/bin/chromedriver")?;
        let profile = unique_temp_dir();
        let driver = Command::new(&chromedriver)
            // Port 0: the system picks a free one, and chromedriver says which.
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Its own process group, so that drop can kill the driver and every browser process at once.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("{} does not start: {error}", chromedriver.display()));
        // From here on, a panic drops the guard, which kills what was started.
        let mut guard = DriverGuard { driver: Some(driver), profile: Some(profile.clone()) };
        let port = listening_port(guard.driver.as_mut().expect("just started"));

        let mut args: Vec<String> = ARGS.iter().map(|arg| (*arg).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        });
        let serde_json::Value::Object(capabilities) = capabilities else { unreachable!("an object literal") };
        let client = tokio::time::timeout(
            START_TIMEOUT,
            ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        .unwrap_or_else(|_| panic!("Chromium did not start within {START_TIMEOUT:?}"))
        .unwrap_or_else(|error| panic!("no WebDriver session: {error}"));
        let (driver, profile) = guard.disarm();
        Some(Chromium { client, driver, profile })
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Ends the WebDriver session, which closes the browser; drop kills whatever is left.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        kill_group(&mut self.driver, &self.profile);
    }
}

/// Owns a starting `chromedriver` until the browser is up, so a panic on the way kills it.
struct DriverGuard {
    driver: Option<Child>,
    profile: Option<PathBuf>,
}

impl DriverGuard {
    fn disarm(&mut self) -> (Child, PathBuf) {
        (self.driver.take().expect("armed"), self.profile.take().expect("armed"))
    }
}

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let (Some(driver), Some(profile)) = (self.driver.as_mut(), self.profile.as_ref()) {
            kill_group(driver, profile);
        }
    }
}

/// Kills `chromedriver` and the browser it started (they share its process group), then any process
/// that still names the profile directory (Chromium's crash handler starts a group of its own), and
/// removes the profile.
fn kill_group(driver: &mut Child, profile: &Path) {
    let group = format!("-{}", driver.id());
    let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
    let _ = driver.kill();
    let _ = driver.wait();
    for pid in processes_naming(profile) {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).stderr(Stdio::null()).status();
    }
    let _ = std::fs::remove_dir_all(profile);
}

/// The ids of the processes whose command line contains `path`.
fn processes_naming(path: &Path) -> Vec<u32> {
    let needle = path.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| cmdline.windows(needle.len()).any(|window| window == needle))
        })
        .collect()
}

/// The program named by the environment variable `variable`, or `default`; `None` after printing why
/// when it does not run, or a panic when `CI` is set: CI must run every test, never pass by skipping one.
fn binary(variable: &str, default: &str) -> Option<PathBuf> {
    let program = std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from);
    let runs = Command::new(&program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if runs.is_ok_and(|status| status.success()) {
        return Some(program);
    }
    let reason = format!("`{}` does not run (set {variable} to another path)", program.display());
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but {reason}: the browser tests must run in CI");
    }
    eprintln!("skipping: {reason}; apt-get install chromium chromium-driver to run this test");
    None
}

/// The port `chromedriver` says it listens on, read from its standard output, which a thread then drains
/// for as long as the driver runs (a full pipe would block it).
fn listening_port(driver: &mut Child) -> u16 {
    const READY: &str = "ChromeDriver was started successfully on port ";
    let stdout = driver.stdout.take().expect("stdout is piped");
    let (port_tx, port_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let port = line.strip_prefix(READY).and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok());
            if let Some(port) = port {
                let _ = port_tx.send(port);
            }
        }
    });
    match port_rx.recv_timeout(START_TIMEOUT) {
        Ok(port) => port,
        Err(RecvTimeoutError::Disconnected) => panic!("chromedriver exited before it listened"),
        Err(RecvTimeoutError::Timeout) => panic!("chromedriver did not listen within {START_TIMEOUT:?}"),
    }
}

/// A new, empty directory under the system's temporary directory, for one browser profile. Kept when the
/// value goes: [`kill_group`] removes it once no process of the browser still writes to it.
fn unique_temp_dir() -> PathBuf {
    let dir = tempfile::Builder::new().prefix("chromium-").tempdir();
    dir.expect("a temporary directory for the browser profile").keep()
}
