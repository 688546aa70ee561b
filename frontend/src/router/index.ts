import { createRouter, createWebHashHistory, type RouteRecordRaw, type Router } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    adminOnly?: boolean
    screen?: string
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/home' },
  { path: '/home', name: 'home', component: () => import('../views/HomeView.vue'), meta: { screen: 'home' } },
  { path: '/catalog', name: 'catalog', component: () => import('../views/CatalogView.vue'), meta: { screen: 'catalog' } },
  {
    path: '/catalog/versions',
    name: 'versions',
    component: () => import('../views/VersionsView.vue'),
    meta: { screen: 'versions' },
  },
  {
    path: '/catalog/:code',
    name: 'matter',
    component: () => import('../views/MatterView.vue'),
    props: true,
    meta: { screen: 'matter' },
  },
  { path: '/intake', name: 'intake', component: () => import('../views/IntakeView.vue'), meta: { screen: 'intake' } },
  { path: '/cases', name: 'cases', component: () => import('../views/CasesView.vue'), meta: { screen: 'cases' } },
  {
    path: '/cases/:id',
    name: 'case',
    component: () => import('../views/CaseDetailView.vue'),
    props: true,
    meta: { screen: 'case' },
  },
  { path: '/approvals', name: 'approvals', component: () => import('../views/ApprovalView.vue'), meta: { screen: 'approvals' } },
  { path: '/audit', name: 'audit', component: () => import('../views/AuditView.vue'), meta: { screen: 'audit' } },
  { path: '/scan', name: 'scan', component: () => import('../views/ScanView.vue'), meta: { screen: 'scan' } },
  {
    path: '/scan/:caseId',
    name: 'scan-case',
    component: () => import('../views/ScanView.vue'),
    props: true,
    meta: { screen: 'scan' },
  },
  { path: '/mail', name: 'mail', component: () => import('../views/MailView.vue'), meta: { screen: 'mail' } },
  { path: '/inbox', name: 'inbox', component: () => import('../views/InboxView.vue'), meta: { screen: 'inbox' } },
  {
    path: '/inbox/:id',
    name: 'inbox-case',
    component: () => import('../views/CaseDetailView.vue'),
    props: true,
    meta: { screen: 'case' },
  },
  { path: '/ledger', name: 'ledger', component: () => import('../views/LedgerView.vue'), meta: { screen: 'ledger' } },
  { path: '/rate/:id', name: 'rate', component: () => import('../views/RatingView.vue'), props: true, meta: { screen: 'rate' } },
  { path: '/sync', name: 'sync', component: () => import('../views/SyncView.vue'), meta: { screen: 'sync' } },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('../views/SettingsView.vue'),
    meta: { adminOnly: true, screen: 'settings' },
  },
  { path: '/:rest(.*)*', redirect: '/home' },
]

/**
 * makeRouter builds the hash-history router. isAdmin guards admin-only pages;
 * it returns null while nobody is known yet (the shell re-checks once signed in).
 */
export function makeRouter(isAdmin: () => boolean | null): Router {
  const router = createRouter({ history: createWebHashHistory(), routes })
  router.beforeEach((to) => {
    if (to.meta.adminOnly && isAdmin() === false) return { name: 'home' }
    return true
  })
  return router
}
