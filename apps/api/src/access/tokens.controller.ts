import { doesNotExist, routes, type RouteAnswer, type RouteInput, type TokenView } from '@bulkhead/contracts';
import { AccessError, createToken, type TokenCrypto, type TokenRecord, type TokenStore } from '@bulkhead/access';
import { Controller, Inject, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import type { BulkheadRequest } from '../http/request-context';
import { TOKEN_CRYPTO, TOKEN_STORE } from '../stores.providers';

const toView = (t: TokenRecord): TokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  owner: t.owner,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

@ApiTags('tokens')
@ApiBearerAuth()
@Controller()
export class TokensController {
  constructor(
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(TOKEN_CRYPTO) private readonly crypto: TokenCrypto,
  ) {}

  @Route(routes.listTokens)
  @RequireRole('admin')
  async list(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(toView);
  }

  /** The token acts for the caller's user: the signed-in user, or the owner of the token that asks. */
  @Route(routes.createToken)
  @Audited('token.create', (_req, r) => {
    const made = r as TokenView;
    return { target: made.name, details: { role: made.role, owner: made.owner.username, expiresAt: made.expiresAt } };
  })
  @RequireRole('admin')
  async create(
    @Input() { body }: RouteInput<typeof routes.createToken>,
    @Req() req: BulkheadRequest,
  ): Promise<RouteAnswer<typeof routes.createToken>> {
    const { record, token } = await createToken(
      this.tokens,
      this.crypto,
      { name: body.name, role: body.role, ownerId: req.caller!.userId, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null },
      new Date(),
    );
    return { ...toView(record), token };
  }

  @Route(routes.revokeToken)
  @Audited('token.revoke', (req) => ({ target: String(req.params.tokenId) }))
  @RequireRole('admin')
  async revoke(@Input() { params }: RouteInput<typeof routes.revokeToken>): Promise<void> {
    if (!(await this.tokens.revoke(params.tokenId, new Date())))
      throw new AccessError('token.not_found', doesNotExist('token', params.tokenId));
  }
}
