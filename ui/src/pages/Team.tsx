// Settings › Team: the people who can sign in, adding one, removing one.
import { useState, type FormEvent } from 'react';
import { api, type User } from '../api';
import { useLoad } from '../data';
import { Frame } from '../Frame';
import { Empty, ErrorBox, Field, FormError, Loading } from '../parts';
import { Value } from '../format';
import { useSession } from '../session';

export function TeamPage() {
  const users = useLoad(() => api.users(), []);
  const { session } = useSession();
  const me = session.state === 'signed-in' ? session.session.user.id : undefined;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('member');
  const [error, setError] = useState<unknown>();
  const [listError, setListError] = useState<unknown>();

  async function add(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await api.createUser({ email: email.trim(), password, role });
      setEmail('');
      setPassword('');
      users.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function remove(u: User) {
    if (!confirm(`Remove ${u.email}? They can no longer sign in.`)) return;
    setListError(undefined);
    try {
      await api.deleteUser(u.id);
      users.reload();
    } catch (err) {
      setListError(err);
    }
  }

  return (
    <Frame title="Team">
      <div className="page">
        <section className="card">
          <h2>Add a teammate</h2>
          <form className="form-row" onSubmit={add} aria-label="Add a teammate">
            <Field label="E-mail" field="email" error={error}>
              <input type="email" name="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <Field label="Password" field="password" error={error}>
              <input type="password" name="password" required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
            </Field>
            <Field label="Role" field="role" error={error}>
              <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
                <option value="member">Member</option>
                <option value="admin">Admin</option>
              </select>
            </Field>
            <button className="primary" type="submit">Add</button>
          </form>
          <FormError error={error} fields={['email', 'password', 'role']} />
        </section>
        <section className="card">
          <h2>People</h2>
          {listError ? <FormError error={listError} fields={[]} /> : null}
          {users.loading && !users.data && <Loading />}
          {users.error && <ErrorBox error={users.error} retry={users.reload} />}
          {users.data?.length === 0 && <Empty title="Nobody yet" />}
          {users.data && users.data.length > 0 && (
            <table className="plain">
              <thead><tr><th>E-mail</th><th>Role</th><th>Added</th><th /></tr></thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email}{u.id === me && <span className="faint"> (you)</span>}</td>
                    <td>{u.role === 'admin' ? 'Admin' : 'Member'}</td>
                    <td><Value value={u.created_at} spec={{ type: 'datetime' }} /></td>
                    <td>{u.id !== me && <button className="link danger" onClick={() => remove(u)}>Remove</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </Frame>
  );
}
