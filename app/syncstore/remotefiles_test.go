package syncstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/remotefiles"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

// api is the device's platform client with its own credential.
func (d *device) api(p *plat) *client.API {
	d.t.Helper()
	a, err := client.NewAPI(p.ts.URL, credToken(d.t, d), nil)
	require.NoError(d.t, err)
	return a
}

// addResult stores b as the case's result document the way the handling
// service does: a page of the "result" slot.
func (d *device) addResult(caseID string, b []byte) cases.FileRef {
	d.t.Helper()
	ctx := context.Background()
	h, _, err := d.blobs.Put(ctx, bytes.NewReader(b))
	require.NoError(d.t, err)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	_, err = d.db.Writer().ExecContext(ctx, `INSERT INTO scan_files(source, folder_id, file_name, file_size, kind, case_id, slot_id, actor, taken_at)
		VALUES (?, 'handling', '结果.pdf', ?, 'pdf', ?, 'result', 'handler1', ?)`, h.String(), len(b), caseID, now)
	require.NoError(d.t, err)
	_, err = d.db.Writer().ExecContext(ctx, `INSERT INTO scan_pages(id, case_id, slot_id, position, hash, media_type, size, source, source_index, added_at)
		VALUES (?, ?, 'result', 0, ?, 'application/pdf', ?, ?, 0, ?)`, h.String()[:32], caseID, h.String(), len(b), h.String(), now)
	require.NoError(d.t, err)
	return cases.FileRef{SHA256: h.String(), Name: "结果.pdf", Size: int64(len(b))}
}

func readBlob(t *testing.T, bs *blob.FS, sha string) []byte {
	t.Helper()
	h, err := blob.ParseHash(sha)
	require.NoError(t, err)
	r, err := bs.Open(h)
	require.NoError(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}

// TestRemoteFilesResultRoundTrip: A's scans reach B as attachments of the
// pulled actions (recorded, fetchable, verified); B's electronic result
// goes up with its handled action and reaches A byte for byte.
func TestRemoteFilesResultRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	a, b := newDevice(t, "410102"), newDevice(t, "330106")
	a.enroll(p)
	b.enroll(p)
	st := a.openCaseForm("甲", map[string]string{"handlingPlace": "330106"})
	pages := a.addPages(st.CaseID, 2, 12<<10)
	st = a.accept(st)
	st, err := a.cases.Record(ctx, clerk, st.CaseID, st.Version, cases.KindDispatched, "", cases.Dispatch{Places: []string{"330106"}, Waybill: "EA123456789CN"})
	require.NoError(t, err)
	sa, sb := a.syncer(client.Config{}), b.syncer(client.Config{})
	_, err = sa.SyncNow(ctx)
	require.NoError(t, err)
	_, err = sb.SyncNow(ctx)
	require.NoError(t, err)

	// B knows A's scans of the case without holding their bytes.
	rb := remotefiles.New(b.db)
	files, err := rb.List(ctx, st.CaseID)
	require.NoError(t, err)
	got := map[string]int64{}
	for _, f := range files {
		got[f.SHA256] = f.Size
	}
	require.Len(t, got, len(pages), "each scan listed once")
	for _, h := range pages {
		if size, ok := got[h]; !ok || size != 12<<10 {
			t.Fatalf("scan %s: listed %v with size %d", h[:8], ok, size)
		}
		_, found, err := rb.Find(ctx, st.CaseID, h)
		require.NoError(t, err)
		require.True(t, found)
	}
	_, found, err := rb.Find(ctx, "other-case", pages[0])
	require.NoError(t, err)
	require.False(t, found, "a file is found only on its own case")
	fetched, err := remotefiles.Fetch(ctx, b.api(p), b.blobs, pages[0], 12<<10)
	require.NoError(t, err)
	require.Equal(t, readBlob(t, a.blobs, pages[0]), fetched)
	require.Equal(t, fetched, readBlob(t, b.blobs, pages[0]), "stored in B's blob store")

	// B signs for the parcel, decides, and sends an electronic result.
	handler := cases.Actor{Username: "handler1", DisplayName: "李办理", Role: cases.RoleHandler}
	bst, err := b.cases.Detail(ctx, handler, st.CaseID, false)
	require.NoError(t, err)
	s2, err := b.cases.Record(ctx, handler, st.CaseID, bst.State.Version, cases.KindHandlerReceived, "",
		cases.Handling{Place: "330106", Waybill: "ea 123456789 cn"})
	require.NoError(t, err)
	pdf := append([]byte("%PDF-1.4\n"), make([]byte, 30<<10)...)
	_, _ = rand.Read(pdf[9:])
	ref := b.addResult(st.CaseID, pdf)
	_, err = b.cases.Record(ctx, handler, st.CaseID, s2.Version, cases.KindHandled, "",
		cases.Handling{Place: "330106", Result: "已开具", ResultDelivery: cases.ResultElectronic, ResultFile: &ref})
	require.NoError(t, err)
	_, err = sb.SyncNow(ctx)
	require.NoError(t, err)
	require.Zero(t, b.states()["pending"], "B's actions are on the platform")
	_, err = sa.SyncNow(ctx)
	require.NoError(t, err)

	// A: the result is in the journal and recorded as a file of the handled action.
	ast, err := a.cases.Detail(ctx, clerk, st.CaseID, false)
	require.NoError(t, err)
	require.Equal(t, cases.StatusHandled, ast.State.Status)
	require.NotNil(t, ast.State.Result)
	require.Equal(t, []cases.FileRef{ref}, ast.State.Result.Files)
	f, found, err := remotefiles.New(a.db).Find(ctx, st.CaseID, ref.SHA256)
	require.NoError(t, err)
	require.True(t, found, "the result file is recorded at A")
	// The file goes with B's first unsent action of the case (here the
	// signing, pushed together with the decision): the journal's FileRef,
	// not the action kind, says it is the result.
	require.Contains(t, []string{string(cases.KindHandlerReceived), string(cases.KindHandled)}, f.Kind)
	require.Equal(t, ref.Size, f.Size)
	back, err := remotefiles.Fetch(ctx, a.api(p), a.blobs, ref.SHA256, ref.Size)
	require.NoError(t, err)
	require.Equal(t, pdf, back, "A holds the result byte for byte")

	// A hall that has nothing to do with the case cannot read it.
	c := newDevice(t, "410105")
	c.enroll(p)
	_, err = remotefiles.Fetch(ctx, c.api(p), c.blobs, ref.SHA256, ref.Size)
	require.Error(t, err)
	require.Equal(t, "ENOTFOUND", client.AsError(err).Code)
}

// tamperSource serves other bytes than asked for.
type tamperSource struct{ b []byte }

func (s tamperSource) Blob(context.Context, string) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(s.b)), nil
}

// TestRemoteFetchRefusesTamperedBytes: bytes that do not match the hash
// are not stored.
func TestRemoteFetchRefusesTamperedBytes(t *testing.T) {
	ctx := context.Background()
	d := newDevice(t, "330106")
	good := []byte("%PDF-1.4 the real result")
	sha := blob.Sum(good).String()
	for name, served := range map[string][]byte{
		"other bytes": []byte("%PDF-1.4 a forged result"),
		"truncated":   good[:10],
		"longer":      append(append([]byte{}, good...), 'x'),
	} {
		_, err := remotefiles.Fetch(ctx, tamperSource{served}, d.blobs, sha, int64(len(good)))
		require.Error(t, err, name)
		require.Equal(t, errs.ECORRUPT, errs.Code(err), name)
		_, err = d.blobs.Stat(blob.Sum(served))
		require.Error(t, err, "%s: nothing stored", name)
	}
	b, err := remotefiles.Fetch(ctx, tamperSource{good}, d.blobs, sha, int64(len(good)))
	require.NoError(t, err)
	require.Equal(t, good, b)
}
