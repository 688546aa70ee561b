package app_test

import (
	"errors"
	"testing"

	"tongban/app"
	"tongban/app/cases"
)

func TestCalendarServiceImport(t *testing.T) {
	s := openCaseWS(t)
	cal := s.ws.Services()["CalendarService"].(*app.CalendarService)
	good := `{"year": 2027, "source": "测试通知", "days": [{"day": "2027-01-01", "kind": "holiday", "name": "元旦"}]}`

	if _, err := cal.Import(good); err == nil {
		t.Fatal("a clerk imported the calendar")
	}
	s.login(t, "admin")
	_, err := cal.Import(`{"year": 2027, "source": "s", "days": [{"day": "2027-01-04", "kind": "workday", "name": "x"}, {"day": "x", "kind": "holiday", "name": "y"}]}`)
	var ae *app.APIError
	if !errors.As(err, &ae) || ae.Code != "EINVALID" {
		t.Fatalf("bad file: %v", err)
	}
	if rows, ok := ae.Rows.([]cases.CalendarProblem); !ok || len(rows) != 2 || rows[0].Row != 1 || rows[1].Row != 2 {
		t.Fatalf("rows = %#v", ae.Rows)
	}
	ys, err := cal.Years()
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range ys {
		if y.Year == 2027 {
			t.Fatal("bad file partly imported")
		}
	}
	res, err := cal.Import(good)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Days, 1; got != want {
		t.Fatalf("days = %d, want %d", got, want)
	}
	days, err := cal.Days(2027)
	if err != nil || len(days) != 1 || days[0].Name != "元旦" {
		t.Fatalf("days = %+v, %v", days, err)
	}
}
