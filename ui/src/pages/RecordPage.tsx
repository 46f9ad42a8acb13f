// The full page of one record, with a way back to where the reader came from.
import { api } from '../api';
import { useLoad, useModels } from '../data';
import { Frame, useViews } from '../Frame';
import { ErrorBox, Loading } from '../parts';
import { modelListHref, recordName, RecordDetail, RecordTitle } from '../RecordDetail';
import { Link, match, useLocation } from '../router';

export function RecordPage({ modelId, recordId }: { modelId: string; recordId: string }) {
  const models = useModels();
  const views = useViews();
  const { params } = useLocation();
  const model = models.data?.find((m) => m.id === modelId);
  const expand = model?.relations.map((r) => r.name).join(',');
  const record = useLoad(
    () => (models.data ? api.record(modelId, recordId, expand || undefined) : new Promise<never>(() => {})),
    [modelId, recordId, expand, models.data],
  );

  // Only a path inside the app is a place to go back to.
  const rawFrom = params.get('from');
  const from = rawFrom && rawFrom.startsWith('/app/') && !rawFrom.startsWith('//') ? rawFrom : null;
  let back = { href: modelListHref(modelId), label: `All ${model?.name ?? modelId} records` };
  if (from) {
    const path = from.split('?')[0];
    let m: Record<string, string> | null;
    if ((m = match('/app/views/:id', path))) {
      back = { href: from, label: views?.find((v) => v.id === m!.id)?.name ?? 'the view' };
    } else if ((m = match('/app/models/:id', path))) {
      back = { href: from, label: `${models.data?.find((x) => x.id === m!.id)?.name ?? m.id} records` };
    } else if ((m = match('/app/records/:model/:id', path))) {
      back = { href: from, label: m.id };
    } else {
      back = { href: from, label: 'where you were' };
    }
  }

  const name = record.data && recordName(record.data);
  const title = (
    <><Link href={modelListHref(modelId)} className="faint model-link">{model?.name ?? modelId}</Link>
      <span className="faint"> · </span><RecordTitle record={record.data} id={recordId} /></>
  );
  return (
    <Frame title={title} docTitle={name ? `${name} · ${recordId}` : recordId}>
      <div className="page">
        <p className="back"><Link href={back.href} data-testid="back-link">← Back to {back.label}</Link></p>
        {(models.error || record.error) && <ErrorBox error={models.error ?? record.error} retry={record.reload} />}
        {!record.error && (!record.data || !models.data) && <Loading />}
        {record.data && models.data && <RecordDetail modelId={modelId} record={record.data} models={models.data} />}
      </div>
    </Frame>
  );
}
