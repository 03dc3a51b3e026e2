package statuspage

// Overall is the page's banner: Statuspage's status indicator and its words.
type Overall struct {
	Indicator   string `json:"indicator"` // none, minor, major, critical, maintenance
	Description string `json:"description"`
}

// OverallStatus derives the banner from the components' statuses and the
// open incidents: the worst of them wins, as on Statuspage.
func OverallStatus(components []Component, open []*Incident) Overall {
	worst := 0
	for _, c := range components {
		worst = max(worst, c.Status.rank())
	}
	for _, inc := range open {
		if inc.Kind == KindIncident && inc.Open() {
			switch inc.Impact {
			case ImpactCritical:
				worst = max(worst, 4)
			case ImpactMajor:
				worst = max(worst, 3)
			case ImpactMinor, ImpactNone:
				worst = max(worst, 1)
			}
		}
	}
	switch worst {
	case 1:
		return Overall{"minor", "Minor Service Outage"}
	case 2:
		return Overall{"maintenance", "Service Under Maintenance"}
	case 3:
		return Overall{"major", "Partial System Outage"}
	case 4:
		return Overall{"critical", "Major System Outage"}
	}
	return Overall{"none", "All Systems Operational"}
}
