//! Synthetic, realistic exports with planted patterns, for tests, benchmarks and the demo.
//!
//! A [`SyntheticHistory`] is what a phone did over some days: access intervals and network
//! connections, drawn from a seeded random source, with the 2021 WeChat pattern planted
//! (photos read in the night, up to 60 s). Any window of it can be written as an export in
//! the iOS format, so overlapping weekly exports share exactly the lines a real phone's
//! would. [`SyntheticHistory::truth`] says what the analysis of a window must find,
//! computed from the history itself, not by reading the export back.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::options::QuietHours;
use crate::time::Timestamp;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Seed of every random choice.
    pub seed: u64,
    /// Local midnight of the first day, as UTC milliseconds.
    pub start_utc_ms: i64,
    /// Days of activity.
    pub days: u32,
    /// The device's UTC offset in minutes.
    pub offset_minutes: i16,
    /// From this many hours after the start, the offset becomes the second value (DST).
    pub offset_change: Option<(u32, i16)>,
    /// Write iOS 18 records (`accessCount`); otherwise iOS 15.2–17 records.
    pub ios18: bool,
    /// From this day on (0 is the first), WeChat behaves differently, as after an update:
    /// it reads photos by day only (no night reads) and starts contacting a Google tracker
    /// (`app-measurement.com`) and a new server of its own (`update.weixin.qq.com`).
    pub change_day: Option<u32>,
}

/// The domains WeChat starts contacting on [`Plan::change_day`].
pub const CHANGE_DOMAINS: [&str; 2] = ["app-measurement.com", "update.weixin.qq.com"];

impl Default for Plan {
    /// Seven days from Monday 2021-10-04, China Standard Time, iOS 18 format.
    fn default() -> Self {
        Plan {
            seed: 1,
            // 2021-10-03T16:00:00Z, local midnight in Beijing.
            start_utc_ms: 1_633_276_800_000,
            days: 7,
            offset_minutes: 8 * 60,
            offset_change: None,
            ios18: true,
            change_day: None,
        }
    }
}

/// How an app uses one data category: sessions per day, by day and by night, and how long.
struct AccessHabit {
    app: &'static str,
    category: &'static str,
    per_day: f64,
    per_night: f64,
    seconds: (f64, f64),
    picker: bool,
}

const fn habit(
    app: &'static str,
    category: &'static str,
    per_day: f64,
    per_night: f64,
    seconds: (f64, f64),
) -> AccessHabit {
    AccessHabit {
        app,
        category,
        per_day,
        per_night,
        seconds,
        picker: false,
    }
}

/// The apps of the synthetic phone. WeChat's night reads of photos are the planted pattern.
const HABITS: &[AccessHabit] = &[
    habit("com.tencent.xin", "photos", 14.0, 5.0, (1.0, 60.0)),
    habit("com.tencent.xin", "contacts", 3.0, 0.3, (0.0, 2.0)),
    habit("com.tencent.xin", "location", 4.0, 0.0, (1.0, 30.0)),
    habit("com.tencent.xin", "microphone", 2.0, 0.0, (5.0, 120.0)),
    habit("com.tencent.xin", "camera", 1.0, 0.0, (5.0, 60.0)),
    habit("com.tencent.mqq", "photos", 6.0, 2.0, (1.0, 40.0)),
    habit("com.taobao.taobao4iphone", "photos", 3.0, 1.0, (1.0, 20.0)),
    habit("com.taobao.taobao4iphone", "location", 5.0, 0.0, (0.0, 5.0)),
    habit(
        "com.apple.mobileslideshow",
        "photos",
        8.0,
        0.0,
        (5.0, 300.0),
    ),
    habit("com.apple.weather", "location", 40.0, 10.0, (0.0, 3.0)),
    habit("com.apple.Maps", "location", 2.0, 0.0, (60.0, 1800.0)),
    habit("com.burbn.instagram", "photos", 4.0, 0.0, (2.0, 90.0)),
    habit("com.burbn.instagram", "camera", 1.5, 0.0, (5.0, 60.0)),
    habit("com.burbn.instagram", "microphone", 1.0, 0.0, (5.0, 60.0)),
    AccessHabit {
        picker: true,
        ..habit("net.whatsapp.WhatsApp", "photos", 2.0, 0.0, (1.0, 20.0))
    },
    habit("net.whatsapp.WhatsApp", "contacts", 6.0, 0.5, (0.0, 1.0)),
    habit("com.apple.MobileSMS", "contacts", 10.0, 0.5, (0.0, 1.0)),
    habit("com.apple.mobilephone", "contacts", 5.0, 0.0, (0.0, 1.0)),
    habit(
        "com.apple.mobilephone",
        "microphone",
        2.0,
        0.0,
        (30.0, 600.0),
    ),
    habit(
        "com.zhiliaoapp.musically",
        "camera",
        1.0,
        0.0,
        (10.0, 120.0),
    ),
    habit(
        "com.zhiliaoapp.musically",
        "microphone",
        1.0,
        0.0,
        (10.0, 120.0),
    ),
    habit("com.zhiliaoapp.musically", "photos", 2.0, 0.0, (1.0, 30.0)),
    habit("com.alipay.iphoneclient", "location", 4.0, 0.0, (0.0, 10.0)),
    habit("com.alipay.iphoneclient", "camera", 1.0, 0.0, (2.0, 20.0)),
    habit("5Q4J53EFRC.com.sbb.ch", "location", 3.0, 0.0, (5.0, 600.0)),
    habit("com.google.Maps", "location", 2.0, 0.0, (60.0, 1200.0)),
    AccessHabit {
        picker: true,
        ..habit("com.google.gemini", "photos", 1.0, 0.0, (1.0, 15.0))
    },
    habit(
        "com.apple.facetime",
        "screenRecording",
        0.3,
        0.0,
        (30.0, 900.0),
    ),
];

/// A domain an app contacts, how often a day, and what Apple says about it (an owner is
/// given only for domains Apple flags, `domainType` 1).
struct Contact {
    app: String,
    domain: String,
    per_day: f64,
    owner: &'static str,
    context: String,
    by_app: bool,
}

/// (app, domain, per day, owner if flagged, website context).
type ContactRow = (&'static str, &'static str, f64, &'static str, &'static str);

/// The planted network activity: Chinese apps and their own servers, Western SDKs, an IP
/// literal of each kind, a mixed-case host, and web-view ads with a context.
const CONTACTS: &[ContactRow] = &[
    ("com.tencent.xin", "dns.weixin.qq.com", 60.0, "", ""),
    ("com.tencent.xin", "long.weixin.qq.com", 120.0, "", ""),
    ("com.tencent.xin", "szextshort.weixin.qq.com", 40.0, "", ""),
    ("com.tencent.xin", "mmbiz.qpic.cn", 30.0, "", ""),
    ("com.tencent.xin", "wx.qlogo.cn", 25.0, "", ""),
    ("com.tencent.xin", "183.3.226.35", 5.0, "", ""),
    ("com.tencent.mqq", "msfwifi.3g.qq.com", 50.0, "", ""),
    ("com.tencent.mqq", "pgdt.gtimg.cn", 10.0, "", ""),
    ("com.taobao.taobao4iphone", "gw.alicdn.com", 80.0, "", ""),
    (
        "com.taobao.taobao4iphone",
        "amdc.m.taobao.com",
        30.0,
        "",
        "",
    ),
    (
        "com.taobao.taobao4iphone",
        "h-adashx.ut.taobao.com",
        20.0,
        "Alibaba Group",
        "",
    ),
    ("com.burbn.instagram", "i.instagram.com", 100.0, "", ""),
    (
        "com.burbn.instagram",
        "scontent-hkg4-1.cdninstagram.com",
        200.0,
        "",
        "",
    ),
    (
        "com.burbn.instagram",
        "graph.facebook.com",
        40.0,
        "Facebook, Inc.",
        "",
    ),
    (
        "com.burbn.instagram",
        "D3097B24-AB12-4C55-9F11-0A1B2C3D4E5F-netseer-ipaddr-assoc.xz.fbcdn.net",
        2.0,
        "",
        "",
    ),
    ("net.whatsapp.WhatsApp", "g.whatsapp.net", 50.0, "", ""),
    ("net.whatsapp.WhatsApp", "mmg.whatsapp.net", 20.0, "", ""),
    (
        "net.whatsapp.WhatsApp",
        "2a03:2880:f21f:c5:face:b00c:0:167",
        3.0,
        "",
        "",
    ),
    (
        "com.zhiliaoapp.musically",
        "api16-normal-c-useast1a.tiktokv.com",
        80.0,
        "",
        "",
    ),
    (
        "com.zhiliaoapp.musically",
        "log16-normal-c-useast1a.tiktokv.com",
        40.0,
        "",
        "",
    ),
    (
        "com.zhiliaoapp.musically",
        "analytics.tiktok.com",
        10.0,
        "ByteDance Ltd.",
        "",
    ),
    (
        "com.alipay.iphoneclient",
        "mobilegw.alipay.com",
        40.0,
        "",
        "",
    ),
    ("com.apple.weather", "weatherkit.apple.com", 30.0, "", ""),
    (
        "com.kiloo.subwaysurfers",
        "ms.applovin.com",
        30.0,
        "AppLovin Corporation",
        "",
    ),
    (
        "com.kiloo.subwaysurfers",
        "app-measurement.com",
        10.0,
        "Google LLC",
        "",
    ),
    (
        "com.kiloo.subwaysurfers",
        "googleads.g.doubleclick.net",
        5.0,
        "Google LLC",
        "googlesyndication.com",
    ),
];

/// Apps of the long tail, each with its own domain; they talk to it and to a few SDKs.
const LONG_TAIL_APPS: &[(&str, &str)] = &[
    ("com.spotify.client", "spotify.com"),
    ("com.netflix.Netflix", "netflix.com"),
    ("com.ubercab.UberClient", "uber.com"),
    ("com.airbnb.app", "airbnb.com"),
    ("com.amazon.Amazon", "amazon.com"),
    ("com.reddit.Reddit", "reddit.com"),
    ("com.linkedin.LinkedIn", "linkedin.com"),
    ("com.microsoft.Office.Outlook", "outlook.office.com"),
    ("com.duolingo.DuolingoMobile", "duolingo.com"),
    ("com.sina.weibo", "weibo.cn"),
    ("com.xingin.discover", "xiaohongshu.com"),
    ("com.360buy.jdmobile", "jd.com"),
    ("com.xunmeng.pinduoduo", "yangkeduo.com"),
    ("com.baidu.BaiduMobile", "baidu.com"),
    ("com.autonavi.amap", "amap.com"),
    ("com.meituan.imeituan", "meituan.com"),
    ("com.ss.iphone.ugc.Aweme", "douyin.com"),
    ("com.jiangjia.gif", "kuaishou.com"),
    ("tv.danmaku.bilianime", "bilibili.com"),
    ("com.netease.cloudmusic", "music.163.com"),
    ("com.zhihu.ios", "zhihu.com"),
    ("com.xiaojukeji.didi", "didiglobal.com"),
    ("com.nike.omega", "nike.com"),
    ("com.strava.stravaride", "strava.com"),
    ("com.yelp.yelpiphone", "yelp.com"),
    ("com.booking.BookingApp", "booking.com"),
    ("com.yourcompany.PPClient", "paypal.com"),
    ("com.google.GoogleMobile", "google.com"),
    ("com.atebits.Tweetie2", "twitter.com"),
    ("pinterest", "pinterest.com"),
];

/// SDK endpoints apps embed, with Apple's owner where Apple would flag them.
const SDKS: &[(&str, &str)] = &[
    ("app-measurement.com", "Google LLC"),
    ("firebaseinstallations.googleapis.com", ""),
    ("firebase-settings.crashlytics.com", "Google LLC"),
    ("graph.facebook.com", "Facebook, Inc."),
    ("api2.branch.io", "Branch Metrics, Inc."),
    ("inapps.appsflyer.com", "AppsFlyer Ltd."),
    ("app.adjust.com", "Adjust GmbH"),
    ("api.mixpanel.com", "Mixpanel, Inc."),
    ("api2.amplitude.com", "Amplitude, Inc."),
    ("o4504.ingest.sentry.io", ""),
    ("sdk.iad-01.braze.com", "Braze, Inc."),
    ("api.onesignal.com", ""),
    ("android.bugly.qq.com", "Tencent Holdings Ltd."),
    ("ulogs.umeng.com", "Alibaba Group"),
    ("api.jpush.cn", ""),
    ("sdk.getui.net", ""),
    ("api.talkingdata.com", "TalkingData"),
    ("api-sdk.pangle.io", "ByteDance Ltd."),
];

const SUBDOMAINS: &[&str] = &[
    "api", "cdn", "img", "static", "gateway", "log", "push", "config", "ws", "media", "auth",
    "upload", "v1", "edge",
];

/// Web sites the phone's browser visits; each pulls in its own hosts and some trackers.
const SITES: &[&str] = &[
    "nytimes.com",
    "zhihu.com",
    "bbc.co.uk",
    "sina.com.cn",
    "github.com",
    "wikipedia.org",
    "theguardian.com",
    "weibo.com",
    "qq.com",
    "douban.com",
    "reddit.com",
    "nzz.ch",
];

const TRACKERS: &[(&str, &str)] = &[
    ("securepubads.g.doubleclick.net", "Google LLC"),
    ("www.googletagmanager.com", "Google LLC"),
    ("connect.facebook.net", "Facebook, Inc."),
    ("hm.baidu.com", "Baidu"),
    ("cdn.cookielaw.org", ""),
    ("c.amazon-adsystem.com", "Amazon Technologies, Inc."),
];

/// The planted contacts plus a long tail drawn from `rng`.
fn contacts(rng: &mut fastrand::Rng) -> Vec<Contact> {
    let mut contacts: Vec<Contact> = CONTACTS
        .iter()
        .map(|&(app, domain, per_day, owner, context)| Contact {
            app: app.into(),
            domain: domain.into(),
            per_day,
            owner,
            context: context.into(),
            by_app: true,
        })
        .collect();
    for &(app, vendor) in LONG_TAIL_APPS {
        for _ in 0..rng.usize(6..20) {
            let domain = format!(
                "{}{}.{vendor}",
                rng.choice(SUBDOMAINS).unwrap_or(&"api"),
                rng.u8(1..30)
            );
            contacts.push(Contact {
                app: app.into(),
                domain,
                per_day: rng.f64() * 30.0,
                owner: "",
                context: String::new(),
                by_app: true,
            });
        }
        for _ in 0..rng.usize(1..6) {
            let &(domain, owner) = rng.choice(SDKS).unwrap_or(&SDKS[0]);
            contacts.push(Contact {
                app: app.into(),
                domain: domain.into(),
                per_day: rng.f64() * 10.0,
                owner,
                context: String::new(),
                by_app: true,
            });
        }
    }
    for &site in SITES {
        for _ in 0..rng.usize(4..12) {
            let domain = format!(
                "{}{}.{site}",
                rng.choice(SUBDOMAINS).unwrap_or(&"www"),
                rng.u8(1..9)
            );
            contacts.push(Contact {
                app: "com.apple.mobilesafari".into(),
                domain,
                per_day: rng.f64() * 8.0,
                owner: "",
                context: site.into(),
                by_app: false,
            });
        }
        for _ in 0..rng.usize(1..4) {
            let &(domain, owner) = rng.choice(TRACKERS).unwrap_or(&TRACKERS[0]);
            contacts.push(Contact {
                app: "com.apple.mobilesafari".into(),
                domain: domain.into(),
                per_day: rng.f64() * 6.0,
                owner,
                context: site.into(),
                by_app: false,
            });
        }
    }
    contacts
}

/// One access interval of the synthetic phone.
#[derive(Clone, Debug)]
struct Interval {
    habit: usize,
    identifier: u128,
    begin: i64,
    end: i64,
}

/// What the synthetic phone did, from which exports are cut.
pub struct SyntheticHistory {
    plan: Plan,
    intervals: Vec<Interval>,
    contacts: Vec<Contact>,
    /// Per contact, the UTC times of its connections, sorted.
    connections: Vec<Vec<i64>>,
}

/// What the analysis of one export window must find for one app × category.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Truth {
    /// Complete intervals.
    pub intervals: u64,
    /// Begins whose end falls after the window.
    pub open: u64,
    /// Ends whose begin falls before the window.
    pub orphan_ends: u64,
    /// Complete intervals beginning in quiet hours.
    pub quiet_hours: u64,
    /// Complete intervals made through a system picker.
    pub out_of_process: u64,
    /// Sum of durations in milliseconds.
    pub total_ms: i64,
    /// Longest duration in milliseconds.
    pub max_ms: i64,
}

impl SyntheticHistory {
    /// Generates the history of a plan.
    pub fn generate(plan: &Plan) -> SyntheticHistory {
        let mut rng = fastrand::Rng::with_seed(plan.seed);
        let mut intervals = Vec::new();
        for day in 0..i64::from(plan.days) {
            let midnight = plan.start_utc_ms + day * DAY;
            let changed = plan
                .change_day
                .is_some_and(|change| day >= i64::from(change));
            for (index, habit) in HABITS.iter().enumerate() {
                let day_sessions = poisson(&mut rng, habit.per_day);
                let stopped =
                    changed && habit.app == "com.tencent.xin" && habit.category == "photos";
                let night_sessions = poisson(&mut rng, if stopped { 0.0 } else { habit.per_night });
                let mut sessions: Vec<i64> = (0..day_sessions)
                    .map(|_| 7 * HOUR + rng.i64(0..16 * HOUR))
                    .collect();
                sessions.extend((0..night_sessions).map(|_| rng.i64(0..6 * HOUR - MINUTE)));
                for at in sessions {
                    let (low, high) = habit.seconds;
                    let duration = ((low + rng.f64() * (high - low)) * 1000.0) as i64;
                    intervals.push(Interval {
                        habit: index,
                        identifier: rng.u128(..),
                        begin: midnight + at,
                        end: midnight + at + duration,
                    });
                }
            }
        }
        // Maps was navigating when the window opened: its begin is older than the export.
        let maps = HABITS
            .iter()
            .position(|h| h.app == "com.apple.Maps")
            .unwrap_or(0);
        intervals.push(Interval {
            habit: maps,
            identifier: rng.u128(..),
            begin: plan.start_utc_ms - 10 * MINUTE,
            end: plan.start_utc_ms + 20 * MINUTE,
        });
        let mut contacts = contacts(&mut rng);
        let first_day = |contact: &Contact| match plan.change_day {
            Some(change) if CHANGE_DOMAINS.contains(&contact.domain.as_str()) => i64::from(change),
            _ => 0,
        };
        if plan.change_day.is_some() {
            contacts.extend(CHANGE_DOMAINS.map(|domain| Contact {
                app: "com.tencent.xin".into(),
                domain: domain.into(),
                per_day: 20.0,
                owner: "",
                context: String::new(),
                by_app: true,
            }));
        }
        let connections = contacts
            .iter()
            .map(|contact| {
                let mut times: Vec<i64> = (first_day(contact)..i64::from(plan.days))
                    .flat_map(|day| {
                        let count = poisson(&mut rng, contact.per_day);
                        let midnight = plan.start_utc_ms + day * DAY;
                        (0..count)
                            .map(|_| midnight + 6 * HOUR + rng.i64(0..18 * HOUR))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                times.sort_unstable();
                times
            })
            .collect();
        SyntheticHistory {
            plan: *plan,
            intervals,
            contacts,
            connections,
        }
    }

    /// The whole history as an export window `[start, end)`, the end being the export time.
    pub fn window(&self) -> (i64, i64) {
        (
            self.plan.start_utc_ms,
            self.plan.start_utc_ms + i64::from(self.plan.days) * DAY,
        )
    }

    /// The export window of days `from..to` of the history (0 is the first day).
    pub fn days(&self, from: u32, to: u32) -> (i64, i64) {
        (
            self.plan.start_utc_ms + i64::from(from) * DAY,
            self.plan.start_utc_ms + i64::from(to) * DAY,
        )
    }

    /// The domains (lower-cased) contacted within `window`.
    pub fn domains(&self, window: (i64, i64)) -> std::collections::BTreeSet<String> {
        self.contacts
            .iter()
            .zip(&self.connections)
            .filter(|(_, times)| times.iter().any(|&t| window.0 <= t && t < window.1))
            .map(|(contact, _)| contact.domain.to_lowercase())
            .collect()
    }

    fn time(&self, utc_ms: i64) -> Timestamp {
        let offset = match self.plan.offset_change {
            Some((hours, changed))
                if utc_ms >= self.plan.start_utc_ms + i64::from(hours) * HOUR =>
            {
                changed
            }
            _ => self.plan.offset_minutes,
        };
        Timestamp::from_parts(utc_ms, offset).expect("plan offsets are valid")
    }

    /// Writes the export the phone would have made at `window.1` covering `window`: access
    /// lines sorted by time, then network aggregates grouped by app.
    pub fn write_export(&self, window: (i64, i64), out: &mut impl Write) -> io::Result<()> {
        let (from, to) = window;
        let inside = |t: i64| from <= t && t < to;
        let mut lines: Vec<(i64, bool, u128, &Interval)> = Vec::new();
        for interval in &self.intervals {
            if inside(interval.begin) {
                lines.push((interval.begin, false, interval.identifier, interval));
            }
            if inside(interval.end) && interval.begin < to {
                lines.push((interval.end, true, interval.identifier, interval));
            }
        }
        lines.sort_unstable_by_key(|&(time, is_end, identifier, _)| (time, is_end, identifier));
        for (time, is_end, identifier, interval) in lines {
            self.write_access(out, interval, identifier, is_end, time)?;
        }
        for (contact, times) in self.contacts.iter().zip(&self.connections) {
            let seen: Vec<i64> = times.iter().copied().filter(|&t| inside(t)).collect();
            if let (Some(&first), Some(&last)) = (seen.first(), seen.last()) {
                self.write_network(out, contact, seen.len(), first, last)?;
            }
        }
        Ok(())
    }

    fn write_access(
        &self,
        out: &mut impl Write,
        interval: &Interval,
        identifier: u128,
        is_end: bool,
        at: i64,
    ) -> io::Result<()> {
        let habit = &HABITS[interval.habit];
        let hex = format!("{identifier:032X}");
        let uuid = format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        );
        let count = if self.plan.ios18 {
            "\"accessCount\":0,"
        } else {
            ""
        };
        let app = habit.app;
        let broadcaster = if habit.category == "screenRecording" {
            format!(",\"broadcaster\":{{\"identifier\":\"{app}\",\"identifierType\":\"bundleID\"}}")
        } else {
            String::new()
        };
        let kind = if is_end {
            "intervalEnd"
        } else {
            "intervalBegin"
        };
        let picker = if habit.picker {
            "\"outOfProcess\":true,"
        } else {
            ""
        };
        writeln!(
            out,
            "{{{count}\"accessor\":{{\"identifier\":\"{app}\",\"identifierType\":\"bundleID\"}}{broadcaster},\"category\":\"{}\",\"identifier\":\"{uuid}\",\"kind\":\"{kind}\",{picker}\"timeStamp\":\"{}\",\"type\":\"access\"}}",
            habit.category,
            self.time(at).to_rfc3339()
        )
    }

    fn write_network(
        &self,
        out: &mut impl Write,
        contact: &Contact,
        hits: usize,
        first: i64,
        last: i64,
    ) -> io::Result<()> {
        let initiated = if contact.by_app {
            "AppInitiated"
        } else {
            "NonAppInitiated"
        };
        let domain_type = if contact.owner.is_empty() { 2 } else { 1 };
        let classification = if crate::summary::is_ip_literal(&contact.domain) {
            2
        } else {
            1
        };
        let verification = if contact.context.is_empty() { 0 } else { 2 };
        writeln!(
            out,
            "{{\"timeStamp\":\"{}\",\"initiatedType\":\"{initiated}\",\"context\":\"{}\",\"domain\":\"{}\",\"contextVerificationType\":{verification},\"type\":\"networkActivity\",\"domainType\":{domain_type},\"firstTimeStamp\":\"{}\",\"bundleID\":\"{}\",\"domainOwner\":\"{}\",\"hits\":{hits},\"domainClassification\":{classification}}}",
            self.time(last).to_rfc3339(),
            contact.context,
            contact.domain,
            self.time(first).to_rfc3339(),
            contact.app,
            contact.owner,
        )
    }

    /// What analysing the export of `window` alone must find, per (app, category).
    pub fn truth(
        &self,
        window: (i64, i64),
        quiet_hours: QuietHours,
    ) -> BTreeMap<(String, String), Truth> {
        let (from, to) = window;
        let inside = |t: i64| from <= t && t < to;
        let mut truth: BTreeMap<(String, String), Truth> = BTreeMap::new();
        for interval in &self.intervals {
            let habit = &HABITS[interval.habit];
            let key = (habit.app.to_owned(), habit.category.to_owned());
            match (inside(interval.begin), inside(interval.end)) {
                (true, true) => {
                    let entry = truth.entry(key).or_default();
                    let duration = interval.end - interval.begin;
                    entry.intervals += 1;
                    entry.total_ms += duration;
                    entry.max_ms = entry.max_ms.max(duration);
                    entry.quiet_hours += u64::from(
                        quiet_hours.contains(self.time(interval.begin).local_minute_of_day()),
                    );
                    entry.out_of_process += u64::from(habit.picker);
                }
                (true, false) => truth.entry(key).or_default().open += 1,
                (false, true) if interval.begin < from => {
                    truth.entry(key).or_default().orphan_ends += 1
                }
                _ => {}
            }
        }
        truth
    }

    /// Network hits per app that an export of `window` records.
    pub fn hits(&self, window: (i64, i64)) -> BTreeMap<String, u64> {
        let mut hits: BTreeMap<String, u64> = BTreeMap::new();
        for (contact, times) in self.contacts.iter().zip(&self.connections) {
            let count = times
                .iter()
                .filter(|&&t| window.0 <= t && t < window.1)
                .count() as u64;
            if count > 0 {
                *hits.entry(contact.app.clone()).or_default() += count;
            }
        }
        hits
    }

    /// Writes weekly exports of consecutive weeks back to back (each a fresh week of the
    /// plan's phone) until at least `bytes` are written: a large input of realistic lines.
    pub fn write_weekly_exports(plan: &Plan, bytes: u64, out: &mut impl Write) -> io::Result<()> {
        let mut counter = CountingWriter {
            inner: out,
            written: 0,
        };
        let mut week = 0;
        while counter.written < bytes {
            let weekly = Plan {
                seed: plan.seed.wrapping_add(week),
                start_utc_ms: plan.start_utc_ms + week as i64 * 7 * DAY,
                days: 7,
                ..*plan
            };
            let history = SyntheticHistory::generate(&weekly);
            history.write_export(history.window(), &mut counter)?;
            week += 1;
        }
        Ok(())
    }
}

/// A Poisson-distributed count with the given mean (Knuth's method; means here are small).
fn poisson(rng: &mut fastrand::Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let (limit, mut product, mut count) = ((-mean).exp(), rng.f64(), 0);
    while product > limit {
        product *= rng.f64();
        count += 1;
    }
    count
}

struct CountingWriter<'w, W: Write> {
    inner: &'w mut W,
    written: u64,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.written += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
