package participation

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/user"
)

// Flags a participant can carry in the owner's list.
const (
	FlagSharedNetwork = "SHARED_NETWORK" // their network has at least Config.FlagNetworkEntries entries
	FlagBurst         = "BURST"          // they entered in a minute with at least Config.FlagBurstPerMinute entries
)

// Defaults of the anomaly thresholds.
const (
	DefaultFlagNetworkEntries = 5
	DefaultFlagBurstPerMinute = 20
	// anomalyListLimit bounds the networks and minutes listed (the most
	// entries first); the counts say how many there are in all.
	anomalyListLimit = 20
)

// Anomalies are the signs of ballot stuffing the owner sees on the
// participants page before the draw: many entries from one network, many
// entries in one minute. They are signs, not verdicts (a café's Wi-Fi is
// one network); the owner decides, and can disqualify a winner afterwards.
type Anomalies struct {
	NetworkThreshold int           `json:"networkThreshold"` // a network with at least this many entries is flagged
	BurstThreshold   int           `json:"burstThreshold"`   // a minute with at least this many entries is flagged
	FlaggedNetworks  int           `json:"flaggedNetworks"`  // how many networks are flagged (Networks lists the first 20)
	FlaggedMinutes   int           `json:"flaggedMinutes"`
	Networks         []NetworkFlag `json:"networks"` // most entries first
	Bursts           []BurstFlag   `json:"bursts"`   // most entries first
}

// NetworkFlag is a network with many entries. The network is shown to the
// owner only (it is personal data, purged with the rest).
type NetworkFlag struct {
	Network string    `json:"network"` // 203.0.113.0/24 or 2001:db8:1:2::/64
	Entries int       `json:"entries"`
	FirstAt time.Time `json:"firstAt"`
	LastAt  time.Time `json:"lastAt"`
}

// BurstFlag is a minute with many entries.
type BurstFlag struct {
	Minute  time.Time `json:"minute"` // the minute's start, UTC
	Entries int       `json:"entries"`
}

func (s *Service) thresholds() (network, burst int) {
	network, burst = s.cfg.FlagNetworkEntries, s.cfg.FlagBurstPerMinute
	if network <= 0 {
		network = DefaultFlagNetworkEntries
	}
	if burst <= 0 {
		burst = DefaultFlagBurstPerMinute
	}
	return network, burst
}

// Anomalies computes the event's flags: two aggregates over the event's
// entries, one read from the (event_id, client_network) index and one from
// the (event_id, created_at) index.
func (s *Service) Anomalies(ctx context.Context, c user.Caller, eventID uuid.UUID) (Anomalies, error) {
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return Anomalies{}, err
	}
	a := Anomalies{Networks: []NetworkFlag{}, Bursts: []BurstFlag{}}
	a.NetworkThreshold, a.BurstThreshold = s.thresholds()
	b := &pgx.Batch{}
	b.Queue(`SELECT client_network, count(*)::int, min(created_at), max(created_at), count(*) OVER ()::int
		FROM participation.participants WHERE event_id = $1 AND client_network IS NOT NULL
		GROUP BY client_network HAVING count(*) >= $2 ORDER BY count(*) DESC, client_network LIMIT $3`,
		eventID, a.NetworkThreshold, anomalyListLimit).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var n NetworkFlag
			if err := rows.Scan(&n.Network, &n.Entries, &n.FirstAt, &n.LastAt, &a.FlaggedNetworks); err != nil {
				return err
			}
			n.FirstAt, n.LastAt = n.FirstAt.UTC(), n.LastAt.UTC()
			a.Networks = append(a.Networks, n)
		}
		return rows.Err()
	})
	b.Queue(`SELECT date_trunc('minute', created_at, 'UTC'), count(*)::int, count(*) OVER ()::int
		FROM participation.participants WHERE event_id = $1
		GROUP BY 1 HAVING count(*) >= $2 ORDER BY count(*) DESC, 1 LIMIT $3`,
		eventID, a.BurstThreshold, anomalyListLimit).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var m BurstFlag
			if err := rows.Scan(&m.Minute, &m.Entries, &a.FlaggedMinutes); err != nil {
				return err
			}
			m.Minute = m.Minute.UTC()
			a.Bursts = append(a.Bursts, m)
		}
		return rows.Err()
	})
	if err := s.db.SendBatch(ctx, b).Close(); err != nil {
		return Anomalies{}, fmt.Errorf("participation: anomalies: %w", err)
	}
	return a, nil
}

// flag sets the flags of a page of participants: for each, whether its
// network and its minute reach the thresholds. Each check stops counting at
// the threshold, so a page costs at most 2 x size bounded index scans
// however large a stuffed network is.
func (s *Service) flag(ctx context.Context, eventID uuid.UUID, items []Participant) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ParticipantID
		items[i].Flags = []string{}
	}
	network, burst := s.thresholds()
	rows, err := s.db.Query(ctx, `SELECT p.participant_id,
		p.client_network IS NOT NULL AND (SELECT count(*) FROM (SELECT 1 FROM participation.participants q
			WHERE q.event_id = $1 AND q.client_network = p.client_network LIMIT $2) n) >= $2,
		(SELECT count(*) FROM (SELECT 1 FROM participation.participants q
			WHERE q.event_id = $1 AND q.created_at >= date_trunc('minute', p.created_at, 'UTC')
			AND q.created_at < date_trunc('minute', p.created_at, 'UTC') + interval '1 minute' LIMIT $3) m) >= $3
		FROM participation.participants p WHERE p.event_id = $1 AND p.participant_id = ANY($4)`, eventID, network, burst, ids)
	if err != nil {
		return fmt.Errorf("participation: flags: %w", err)
	}
	at := make(map[string]int, len(items))
	for i, p := range items {
		at[p.ParticipantID] = i
	}
	var pid string
	var shared, bursty bool
	_, err = pgx.ForEachRow(rows, []any{&pid, &shared, &bursty}, func() error {
		i, ok := at[pid]
		if !ok {
			return nil
		}
		if shared {
			items[i].Flags = append(items[i].Flags, FlagSharedNetwork)
		}
		if bursty {
			items[i].Flags = append(items[i].Flags, FlagBurst)
		}
		return nil
	})
	return err
}
