//! Loads pages in the browser and collects what a reader would see go
//! wrong: the in-page checks of `page_checks.js` plus console errors.

use std::time::{Duration, Instant};

use anyhow::Context;
use fantoccini::Locator;
use serde_json::Value;

use crate::driver::Browser;

const PAGE_CHECKS: &str = include_str!("page_checks.js");

/// What one page reported.
#[derive(Debug, Default)]
pub struct PageReport {
    pub page: String,
    pub problems: Vec<String>,
    pub formulas: u64,
    pub figures: u64,
    pub title: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub sidebar: Vec<String>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Opens `url` and checks the page. Console errors logged while the page
/// loaded are added to the problems.
pub async fn check_page(browser: &Browser, page: &str, url: &str) -> anyhow::Result<PageReport> {
    // Drop what earlier pages logged.
    browser.take_console_messages().await?;
    browser.client.goto(url).await.with_context(|| format!("opening {url}"))?;
    let report = browser.client.execute_async(PAGE_CHECKS, vec![]).await.with_context(|| format!("checking {url}"))?;

    let mut problems = strings(&report["problems"]);
    for (level, message) in browser.take_console_messages().await? {
        if level == "SEVERE" {
            problems.push(format!("console error: {message}"));
        }
    }
    Ok(PageReport {
        page: page.to_owned(),
        problems,
        formulas: report["formulas"].as_u64().unwrap_or(0),
        figures: report["figures"].as_u64().unwrap_or(0),
        title: report["title"].as_str().unwrap_or_default().to_owned(),
        previous: report["previous"].as_str().map(str::to_owned),
        next: report["next"].as_str().map(str::to_owned),
        sidebar: strings(&report["sidebar"]),
    })
}

/// Returns the page file a link leads to: the last path segment without
/// the query and fragment.
pub fn page_of(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

/// The result of one search in the book's search box.
#[derive(Debug)]
pub struct SearchOutcome {
    /// The result links, best first.
    pub results: Vec<String>,
    /// The page the browser shows after clicking the first result.
    pub landed_on: Option<String>,
    /// The first heading of that page.
    pub landed_title: String,
    pub console_errors: Vec<String>,
}

/// Opens `start_url`, opens the search bar as a reader does (the search
/// button), types `query`, and follows the first result.
pub async fn search(browser: &Browser, start_url: &str, query: &str) -> anyhow::Result<SearchOutcome> {
    let client = &browser.client;
    browser.take_console_messages().await?;
    client.goto(start_url).await.with_context(|| format!("opening {start_url}"))?;
    client.find(Locator::Id("mdbook-search-toggle")).await.context("finding the search button")?.click().await?;
    let search_bar = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("mdbook-searchbar"))
        .await
        .context("waiting for the search bar")?;
    search_bar.send_keys(query).await?;

    // mdBook loads the search index after the search bar opens and lists
    // results once it arrives.
    let first =
        client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#mdbook-searchresults li a")).await;
    let mut results = Vec::new();
    for link in client.find_all(Locator::Css("#mdbook-searchresults li a")).await? {
        results.push(link.prop("href").await?.unwrap_or_default());
    }

    let mut outcome =
        SearchOutcome { results, landed_on: None, landed_title: String::new(), console_errors: Vec::new() };
    if let Ok(first) = first {
        let before = client.current_url().await?;
        first.click().await?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut now_at = client.current_url().await?;
        while now_at == before && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            now_at = client.current_url().await?;
        }
        if now_at != before {
            outcome.landed_on = Some(page_of(now_at.as_str()));
            let heading = client.find(Locator::Css("main h1")).await.context("finding the result page's heading")?;
            outcome.landed_title = heading.text().await?;
        }
    }
    for (level, message) in browser.take_console_messages().await? {
        if level == "SEVERE" {
            outcome.console_errors.push(message);
        }
    }
    Ok(outcome)
}
