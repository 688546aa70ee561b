// Command loopledger measures the platform ledger (工作台账) over generated
// cases on PostgreSQL: loopledger -pg postgres://... -cases 1000000
// (creates or reuses the database "loopbench" on that server), or on
// SQLite: loopledger -sqlite FILE -cases 1000000.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"sort"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/pgstore"
	"tongban/platform/sqlitestore"
	"tongban/platform/sqlstore"
)

func main() {
	admin := flag.String("pg", os.Getenv("TONGBAN_TEST_PG"), "admin DSN of the PostgreSQL server")
	n := flag.Int("cases", 1_000_000, "cases to generate")
	runs := flag.Int("runs", 5, "timed runs of the default view")
	lite := flag.String("sqlite", "", "measure SQLite: the database file (created or reused)")
	flag.Parse()
	ctx := context.Background()
	var st *sqlstore.Store
	var err error
	if *lite != "" {
		st, err = sqlitestore.Open(ctx, *lite)
	} else {
		st, err = openPG(ctx, *admin)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_progress`).Scan(&have); err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	if have != *n || os.Getenv("REGEN") != "" {
		if *lite != "" {
			genSQLite(ctx, st, db, *n, now)
		} else {
			gen(ctx, st, db, *n, now)
		}
	}
	from, to := httpserver.DefaultLedgerRange(now)
	var times []time.Duration
	var rows []platform.LedgerRow
	for range *runs {
		t0 := time.Now()
		rows, err = st.Ledger(ctx, platform.LedgerQuery{From: from, To: to, Now: now})
		if err != nil {
			log.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	tot := httpserver.LedgerTotals(rows)
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Printf("cases=%d default view %s..%s rows=%d received=%d first=%s median=%s max=%s\n", *n, from.Format("2006-01-02"),
		to.Format("2006-01-02"), len(rows), tot.Received, times[0], times[len(times)/2], times[len(times)-1])
	t0 := time.Now()
	hallRows, err := st.Ledger(ctx, platform.LedgerQuery{From: from, To: to, Hall: "410110", Now: now})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("one hall: rows=%d in %s\n", len(hallRows), time.Since(t0))
}

func openPG(ctx context.Context, admin string) (*sqlstore.Store, error) {
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		return nil, err
	}
	_, _ = adb.ExecContext(ctx, `CREATE DATABASE loopbench`)
	adb.Close()
	u, err := url.Parse(admin)
	if err != nil {
		return nil, err
	}
	u.Path = "/loopbench"
	return pgstore.Open(ctx, u.String())
}

// gen inserts n cases spread over the last 12 months in 40 halls, 80
// matters and 4 modes, with their progress (PostgreSQL-only SQL).
func gen(ctx context.Context, st interface {
	PutPlace(context.Context, platform.Place) error
}, db *sql.DB, n int, now time.Time) {
	t0 := time.Now()
	for _, q := range []string{`DELETE FROM case_progress`, `DELETE FROM cases`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			log.Fatal(err)
		}
	}
	for i := 1; i <= 40; i++ {
		code := fmt.Sprintf("4101%02d", i)
		if err := st.PutPlace(ctx, platform.Place{Code: code, Name: "服务大厅 " + code, Province: "河南省"}); err != nil {
			log.Fatal(err)
		}
	}
	end := now.UnixMicro()
	span := int64(365 * 24 * time.Hour / time.Microsecond)
	_, err := db.ExecContext(ctx, `INSERT INTO cases (id, seq, hall, handling_place, matter_code, mode, provisional_number,
		device_id, created_at, fingerprint, version, received_at)
		SELECT md5(i::text), i, '4101' || lpad((1 + i % 40)::text, 2, '0'), '4101' || lpad((1 + (i / 40) % 40)::text, 2, '0'),
			'M' || (i % 80), (ARRAY['异地代收代办','全程网办','多地联办','自助通办'])[1 + i % 4], 'L-' || i, 'dev',
			$1::bigint - (hashtext(i::text)::bigint & 2147483647) * ($2::bigint / 2147483647), 'x', 0, $1::bigint
		FROM generate_series(1, $3::int) AS i`, end, span, n)
	if err != nil {
		log.Fatal(err)
	}
	// Progress: 80 % accepted, 10 % refused; of the accepted 70 % 办结
	// after 1-30 days; promised deadline 20 days after acceptance.
	// Scope: handling places of 2 halls in 3 outside Henan; 60 % rated,
	// 1 in 10 of those a 差评, half of them followed up to closure.
	_, err = db.ExecContext(ctx, `INSERT INTO case_progress (case_id, hall, handling_place, matter_code, matter_name, mode,
		received_month, masked_name, verifier, scope, ratings, rating_sum, bad_ratings, bad_followed_up,
		received_at, accepted_at, refused_at, handled_at, due_at)
		SELECT c.id, c.hall, c.handling_place, c.matter_code, '事项 ' || c.matter_code, c.mode,
			to_char(to_timestamp(c.created_at / 1000000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), '张*', '',
			CASE WHEN c.hall = c.handling_place THEN '本地' WHEN c.seq % 3 = 0 THEN '全豫通办' ELSE '跨省通办' END,
			CASE WHEN c.seq % 5 < 3 THEN 1 ELSE 0 END,
			CASE WHEN c.seq % 5 < 3 THEN (CASE WHEN c.seq % 50 < 3 THEN 1 + c.seq % 2 ELSE 3 + c.seq % 3 END) ELSE 0 END,
			CASE WHEN c.seq % 5 < 3 AND c.seq % 50 < 3 THEN 1 ELSE 0 END,
			CASE WHEN c.seq % 5 < 3 AND c.seq % 50 < 3 AND c.seq % 2 = 0 THEN 1 ELSE 0 END,
			c.created_at,
			CASE WHEN c.seq % 10 < 8 THEN c.created_at + 3600000000 END,
			CASE WHEN c.seq % 10 = 8 THEN c.created_at + 3600000000 END,
			CASE WHEN c.seq % 10 < 8 AND c.seq % 7 < 5 AND c.created_at + (1 + c.seq % 30) * 86400000000 < $1::bigint
				THEN c.created_at + (1 + c.seq % 30) * 86400000000 END,
			CASE WHEN c.seq % 10 < 8 THEN c.created_at + 20 * 86400000000 END
		FROM cases c`, end)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		log.Fatal(err)
	}
	log.Printf("generated %d cases in %s", n, time.Since(t0).Round(time.Second))
}

// genSQLite is gen for SQLite: the same distribution, a recursive CTE
// instead of generate_series.
func genSQLite(ctx context.Context, st interface {
	PutPlace(context.Context, platform.Place) error
}, db *sql.DB, n int, now time.Time) {
	t0 := time.Now()
	for _, q := range []string{`DELETE FROM case_progress`, `DELETE FROM cases`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			log.Fatal(err)
		}
	}
	for i := 1; i <= 40; i++ {
		code := fmt.Sprintf("4101%02d", i)
		if err := st.PutPlace(ctx, platform.Place{Code: code, Name: "服务大厅 " + code, Province: "河南省"}); err != nil {
			log.Fatal(err)
		}
	}
	end := now.UnixMicro()
	span := int64(365 * 24 * time.Hour / time.Microsecond)
	_, err := db.ExecContext(ctx, `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
		INSERT INTO cases (id, seq, hall, handling_place, matter_code, mode, provisional_number,
		device_id, created_at, fingerprint, version, received_at)
		SELECT printf('%032x', i), i, '4101' || printf('%02d', 1 + i % 40), '4101' || printf('%02d', 1 + (i / 40) % 40),
			'M' || (i % 80), CASE i % 4 WHEN 0 THEN '异地代收代办' WHEN 1 THEN '全程网办' WHEN 2 THEN '多地联办' ELSE '自助通办' END,
			'L-' || i, 'dev', ? - ((i * 2654435761) % 2147483647) * (? / 2147483647), 'x', 0, ?
		FROM g`, n, end, span, end)
	if err != nil {
		log.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO case_progress (case_id, hall, handling_place, matter_code, matter_name, mode,
		received_month, masked_name, verifier, scope, ratings, rating_sum, bad_ratings, bad_followed_up,
		received_at, accepted_at, refused_at, handled_at, due_at)
		SELECT c.id, c.hall, c.handling_place, c.matter_code, '事项 ' || c.matter_code, c.mode,
			strftime('%Y-%m', c.created_at / 1000000 + 8 * 3600, 'unixepoch'), '张*', '',
			CASE WHEN c.hall = c.handling_place THEN '本地' WHEN c.seq % 3 = 0 THEN '全豫通办' ELSE '跨省通办' END,
			CASE WHEN c.seq % 5 < 3 THEN 1 ELSE 0 END,
			CASE WHEN c.seq % 5 < 3 THEN (CASE WHEN c.seq % 50 < 3 THEN 1 + c.seq % 2 ELSE 3 + c.seq % 3 END) ELSE 0 END,
			CASE WHEN c.seq % 5 < 3 AND c.seq % 50 < 3 THEN 1 ELSE 0 END,
			CASE WHEN c.seq % 5 < 3 AND c.seq % 50 < 3 AND c.seq % 2 = 0 THEN 1 ELSE 0 END,
			c.created_at,
			CASE WHEN c.seq % 10 < 8 THEN c.created_at + 3600000000 END,
			CASE WHEN c.seq % 10 = 8 THEN c.created_at + 3600000000 END,
			CASE WHEN c.seq % 10 < 8 AND c.seq % 7 < 5 AND c.created_at + (1 + c.seq % 30) * 86400000000 < ?
				THEN c.created_at + (1 + c.seq % 30) * 86400000000 END,
			CASE WHEN c.seq % 10 < 8 THEN c.created_at + 20 * 86400000000 END
		FROM cases c`, end)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		log.Fatal(err)
	}
	log.Printf("generated %d cases in %s", n, time.Since(t0).Round(time.Second))
}
