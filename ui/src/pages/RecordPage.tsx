// The full page of one record.
import { api } from '../api';
import { useLoad, useModels } from '../data';
import { Frame } from '../Frame';
import { ErrorBox, Loading } from '../parts';
import { RecordDetail } from '../RecordDetail';
import { Link } from '../router';

export function RecordPage({ modelId, recordId }: { modelId: string; recordId: string }) {
  const models = useModels();
  const model = models.data?.find((m) => m.id === modelId);
  const expand = model?.relations.map((r) => r.name).join(',');
  const record = useLoad(
    () => (models.data ? api.record(modelId, recordId, expand || undefined) : new Promise<never>(() => {})),
    [modelId, recordId, expand, models.data],
  );

  const title = <><span className="faint">{model?.name ?? modelId} · </span><span className="mono">{recordId}</span></>;
  return (
    <Frame title={title}>
      <div className="page">
        <p><Link href={`/app/settings/models/${encodeURIComponent(modelId)}`}>{model?.name ?? modelId}</Link> record</p>
        {(models.error || record.error) && <ErrorBox error={models.error ?? record.error} retry={record.reload} />}
        {!record.error && (!record.data || !models.data) && <Loading />}
        {record.data && models.data && <RecordDetail modelId={modelId} record={record.data} models={models.data} />}
      </div>
    </Frame>
  );
}
